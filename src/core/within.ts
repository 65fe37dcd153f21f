import type { DeadlineTimer } from './deadline-timer.js';

/**
 * How long we wait on what answers in milliseconds when healthy (an IndexedDB open, ~2 ms in
 * bench:sw's probe; a state store's load; a cache's lookup) before taking it as stuck. Generous
 * on purpose, a thousand times the healthy figure: a slow device's cold open mistaken for a stuck
 * one costs the saved breaker state and the stored copies until it opens, while a really stuck
 * one (queued behind a connection that will not close) costs this wait once.
 */
export const STUCK_AFTER_MS = 2_000;

/** What `within` resolves with when the wait ran out first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * What `work` settles with, or TIMED_OUT once `ms` pass first: for app code we must wait on but
 * cannot trust to settle (a state store's load, a cache's lookup). The wait rides the shared
 * attempt timer (deadline-timer.ts), so it costs no setTimeout of its own. A value that comes
 * after the wait ran out goes to `late` (to free what nobody will read).
 */
export function within<T>(deadlines: DeadlineTimer, now: number, ms: number, work: T | PromiseLike<T>, late?: (value: T) => void): Promise<T | typeof TIMED_OUT> {
  return new Promise((resolve, reject) => {
    let waiting = true;
    const expiry = deadlines.add(now, ms, () => {
      waiting = false;
      resolve(TIMED_OUT);
    });
    Promise.resolve(work).then(
      (value) => {
        if (!waiting) return late?.(value);
        waiting = false;
        deadlines.remove(expiry);
        resolve(value);
      },
      (error: unknown) => {
        deadlines.remove(expiry);
        reject(error);
      },
    );
  });
}
