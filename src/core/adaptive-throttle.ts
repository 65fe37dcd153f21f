import { SlidingWindow } from './sliding-window.js';

const REQUESTS = 0;
const ACCEPTS = 1;

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): when the backend
 * accepts fewer than 1/k of our requests, reject locally with probability
 * max(0, (requests - k * accepts) / (requests + 1)), so a struggling backend is spared the
 * traffic it would only reject.
 *
 * Unlike the book, a request is counted when the backend has answered it (or failed to), not
 * when it is sent: counted at sending, the first burst of a page (six calls at once, no answer
 * yet) would be refused with probability 1/2, 2/3, 3/4… before the backend said anything.
 */
export class AdaptiveThrottle {
  private readonly window: SlidingWindow;

  constructor(
    private readonly k: number,
    windowMs: number,
    /** Answered requests in the window before it judges at all: two failures prove nothing. */
    private readonly minimumRequests = 10,
  ) {
    this.window = new SlidingWindow(windowMs, 2);
  }

  probability(now: number): number {
    const totals = this.window.sums(now);
    const requests = totals[REQUESTS]!;
    if (requests < this.minimumRequests) return 0;
    const accepts = totals[ACCEPTS]!;
    return Math.max(0, (requests - this.k * accepts) / (requests + 1));
  }

  /** Whether to refuse the next request locally. */
  shouldReject(now: number, random: () => number): boolean {
    return random() < this.probability(now);
  }

  /** Count a request the backend answered: accepted, or failed (5xx, 408, 429, timeout, network error). */
  record(now: number, accepted: boolean): void {
    this.window.add(now, REQUESTS);
    if (accepted) this.window.add(now, ACCEPTS);
  }

  /** Forget the window: a breaker that just closed has fresher evidence than the window's failures. */
  reset(): void {
    this.window.reset();
  }
}
