import { SlidingWindow } from './sliding-window.js';

const CALLS = 0;
const RETRIES = 1;

/**
 * Caps retries per origin so a failing backend sees about (1 + ratio) times the app's calls,
 * not (1 + maxRetries) times. Two sources of permission: a share of the calls in the window,
 * and a small floor refilled every second (a token bucket), so a quiet origin can still retry.
 */
export class RetryBudget {
  private readonly window: SlidingWindow;
  private floorTokens: number;
  private floorUpdatedAt: number;

  constructor(
    windowMs: number,
    private ratio: number,
    private minPerSecond: number,
    now: number,
  ) {
    this.window = new SlidingWindow(windowMs, 2);
    this.floorTokens = floorCapacity(minPerSecond);
    this.floorUpdatedAt = now;
  }

  setRates(ratio: number, minPerSecond: number): void {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
  }

  recordCall(now: number): void {
    this.window.add(now, CALLS);
  }

  /** Take permission for one retry; false when the budget is spent. */
  tryWithdraw(now: number): boolean {
    const retries = this.window.sum(now, RETRIES);
    if (retries + 1 <= this.ratio * this.window.sum(now, CALLS)) {
      this.window.add(now, RETRIES);
      return true;
    }
    this.refill(now);
    if (this.floorTokens >= 1) {
      this.floorTokens--;
      this.window.add(now, RETRIES);
      return true;
    }
    return false;
  }

  /** Retries allowed right now. */
  available(now: number): number {
    this.refill(now);
    const fromRatio = Math.max(0, Math.floor(this.ratio * this.window.sum(now, CALLS) - this.window.sum(now, RETRIES)));
    return fromRatio + Math.floor(this.floorTokens);
  }

  calls(now: number): number {
    return this.window.sum(now, CALLS);
  }

  retries(now: number): number {
    return this.window.sum(now, RETRIES);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.floorUpdatedAt);
    this.floorTokens = Math.min(floorCapacity(this.minPerSecond), this.floorTokens + (elapsed / 1000) * this.minPerSecond);
    this.floorUpdatedAt = now;
  }
}

/**
 * The floor's bucket holds at least one retry: with a capacity of `minPerSecond` itself, any rate
 * below 1 (one retry every few seconds) could never fill a whole token and meant no floor at all.
 */
function floorCapacity(minPerSecond: number): number {
  return minPerSecond > 0 ? Math.max(1, minPerSecond) : 0;
}
