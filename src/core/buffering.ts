import type { Deps } from './deps.js';
import { MAX_TIMER_MS } from './max-timer.js';
import type { RequestPlan } from './request-plan.js';
import { redactUrl } from './tracing.js';

/**
 * A plan whose body is still being read into memory so each attempt can replay it, and how to
 * stop that read (cancel the caller's stream).
 */
export class BufferingPlan {
  constructor(
    readonly plan: Promise<RequestPlan>,
    readonly cancel: (reason: unknown) => void,
  ) {}
}

/**
 * The plan once its body is buffered, within the call's timeout and deadline and until the
 * caller aborts. A body stream that stalled held the call for good: no attempt had started, so
 * no timer watched it, and the caller's abort was heard only once the body ended. It now ends
 * as fetch would end that upload: a TimeoutError (worded as a call that timed out, outcome.ts),
 * or the abort's reason; the stream is cancelled, and nothing was sent or counted.
 */
export function buffered(buffering: BufferingPlan, deps: Deps, url: string, now: number, timeoutMs: number, deadlineMs: number, signal: AbortSignal | undefined): Promise<RequestPlan> {
  return new Promise<RequestPlan>((resolve, reject) => {
    let pending = true;
    const stop = (reason: unknown) => {
      if (!pending) return;
      pending = false;
      signal?.removeEventListener('abort', onAbort);
      buffering.cancel(reason);
      reject(reason);
    };
    const onAbort = () => stop(signal?.reason);
    const waitMs = Math.min(timeoutMs, deadlineMs);
    const expiry = waitMs > MAX_TIMER_MS ? undefined : deps.deadlines.add(now, waitMs, () => {
      const why = timeoutMs < deadlineMs ? 'timeout' : 'deadline';
      stop(new DOMException(`resilient-fetch: ${redactUrl(url, deps.redacted)} timed out (${why})`, 'TimeoutError'));
    });
    if (signal?.aborted) return stop(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      pending = false;
      signal?.removeEventListener('abort', onAbort);
      if (expiry !== undefined) deps.deadlines.remove(expiry);
    };
    buffering.plan.then(
      (plan) => {
        if (!pending) return;
        done();
        resolve(plan);
      },
      (error: unknown) => {
        if (!pending) return;
        done();
        reject(error);
      },
    );
  });
}
