import { reportError } from '../core/report-error.js';

/**
 * What the worker tells others (pages, the log) about a call, posted in a later task, in order.
 * A call's events are published while its response is on its way back, and posting them there
 * (the BroadcastChannel opened on first use, a state snapshot, a JSON log line) held that response
 * back: ~2 ms for a restarted worker answering from the cache with its breaker open (bench:sw cold
 * start, same-run A/B of 60 rounds: page p50 23.5 vs 25.3 and 25.6 ms). `settled()` is in
 * each fetch event's waitUntil, so the browser does not stop the worker with posts pending; the
 * timer exists only while some are.
 */
export class LaterPosts {
  private queue: (() => void)[] = [];
  private flushing: Promise<void> | undefined;

  post(work: () => void): void {
    this.queue.push(work);
    this.flushing ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        this.flush();
        resolve();
      }, 0),
    );
  }

  /** Resolves once everything posted so far has gone out. */
  async settled(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  private flush(): void {
    this.flushing = undefined;
    const work = this.queue;
    this.queue = [];
    for (const post of work) {
      try {
        post();
      } catch (error) {
        reportError(error); // a log sink's bug is the app's to see; the posts after it still go
      }
    }
  }
}
