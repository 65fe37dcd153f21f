import { SlidingWindow } from './sliding-window.js';

const REQUESTS = 0;
const ACCEPTS = 1;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): when the backend
 * accepts fewer than 1/k of our requests, reject locally with probability
 * max(0, (requests - k * accepts) / (requests + 1)), so a struggling backend is spared the
 * traffic it would only reject.
 */
export class AdaptiveThrottle {
  private readonly window: SlidingWindow;

  constructor(
    private readonly k: number,
    windowMs: number,
  ) {
    this.window = new SlidingWindow(windowMs, 2);
  }

  probability(now: number): number {
    const requests = this.window.sum(now, REQUESTS);
    const accepts = this.window.sum(now, ACCEPTS);
    return Math.max(0, (requests - this.k * accepts) / (requests + 1));
  }

  /** Count a request and decide whether to reject it locally. */
  shouldReject(now: number, random: () => number): boolean {
    const reject = random() < this.probability(now);
    this.window.add(now, REQUESTS);
    return reject;
  }

  recordAccept(now: number): void {
    this.window.add(now, ACCEPTS);
  }
}
