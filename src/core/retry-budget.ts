import { SlidingWindow } from './sliding-window.js';

const CALLS = 0;
const RETRIES = 1;

/**
 * Caps retries per origin so a failing backend sees about (1 + ratio) times the app's calls,
 * not (1 + maxRetries) times. Two sources of permission: a share of the calls in the window, and
 * a small reserve for an origin too quiet to earn a share in one window.
 *
 * The reserve is refilled by successes (`ratio` of a retry each, as gRPC's retry throttling does),
 * not by time. Refilled by time, 10,000 quiet browsers are 10,000 floors of retries: at 0.2 calls/s
 * each, a backend that dipped saw three times its load for as long as it failed and never came
 * back (sim:fleet, "quiet dip"). A backend that stops answering now stops refilling it.
 */
export class RetryBudget {
  private readonly window: SlidingWindow;
  private reserveTokens: number;

  constructor(
    windowMs: number,
    private ratio: number,
    private reserve: number,
  ) {
    this.window = new SlidingWindow(windowMs, 2);
    this.reserveTokens = reserve;
  }

  setRates(ratio: number, reserve: number): void {
    this.ratio = ratio;
    this.reserve = reserve;
    this.reserveTokens = Math.min(this.reserveTokens, reserve);
  }

  recordCall(now: number): void {
    this.window.add(now, CALLS);
  }

  /** An attempt the backend answered well earns back part of a retry. */
  recordSuccess(): void {
    if (this.reserveTokens < this.reserve) this.reserveTokens = Math.min(this.reserve, this.reserveTokens + this.ratio);
  }

  /** Take permission for one retry; false when the budget is spent. */
  tryWithdraw(now: number): boolean {
    const retries = this.window.sum(now, RETRIES);
    if (retries + 1 <= this.ratio * this.window.sum(now, CALLS)) {
      this.window.add(now, RETRIES);
      return true;
    }
    if (this.reserveTokens >= 1) {
      this.reserveTokens--;
      this.window.add(now, RETRIES);
      return true;
    }
    return false;
  }

  /** Retries allowed right now. */
  available(now: number): number {
    const fromRatio = Math.max(0, Math.floor(this.ratio * this.window.sum(now, CALLS) - this.window.sum(now, RETRIES)));
    return fromRatio + Math.floor(this.reserveTokens);
  }

  calls(now: number): number {
    return this.window.sum(now, CALLS);
  }

  retries(now: number): number {
    return this.window.sum(now, RETRIES);
  }
}
