import { STUCK_AFTER_MS } from '../core/within.js';
import type { CacheEvent, CacheOperation } from './events.js';

/**
 * The work a cache's callers do not wait for (a put, recency and expiry written behind a
 * match): its failure is reported, never thrown, and `settled()` waits for it, STUCK_AFTER_MS at
 * most. Unbounded, a put whose body stalled while it was read held settled(), and so a sign-out's
 * clear and a close, forever.
 */
export class TrackedWork {
  /** Work under way, with what it does (for `cache-stuck`). */
  private readonly pending = new Map<Promise<void>, CacheOperation>();

  constructor(private readonly report: (event: CacheEvent) => void) {}

  track(operation: CacheOperation, work: () => Promise<void>): Promise<void> {
    const done: Promise<void> = work()
      .catch((error: unknown) => this.report({ type: 'cache-error', operation, error }))
      .finally(() => this.pending.delete(done));
    this.pending.set(done, operation);
    return done;
  }

  /** See IdbResponseCache.settled. */
  async settled(): Promise<void> {
    const pending = this.pending;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<true>((resolve) => (timer = setTimeout(resolve, STUCK_AFTER_MS, true)));
    // Work tracked while we wait is waited for too.
    while (pending.size > 0) {
      if ((await Promise.race([Promise.all(pending.keys()), stuck])) !== true) continue;
      for (const operation of pending.values()) this.report({ type: 'cache-stuck', operation });
      pending.clear(); // each is said once; what it does when it ends is still reported
    }
    clearTimeout(timer);
  }
}
