import { AdaptiveThrottle } from './adaptive-throttle.js';
import { Bulkhead } from './bulkhead.js';
import { CircuitBreaker, type TransitionListener } from './circuit-breaker.js';
import { RetryBudget } from './retry-budget.js';
import { TokenBucket } from './token-bucket.js';
import type { OriginPolicy, OriginSnapshot, SavedOriginState } from './types.js';

/** Everything one origin owns: its policy and the state of each mechanism. */
export class OriginState {
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  readonly budget: RetryBudget;
  limiter: TokenBucket | null = null;
  throttle: AdaptiveThrottle | null = null;
  /** Until when the server asked us to wait (0: never); read it with pausedMs. */
  pausedUntil = 0;
  /** When that pause began (restored: when it was saved). */
  private pausedAt = 0;

  constructor(
    readonly origin: string,
    public policy: OriginPolicy,
    now: number,
    onTransition: TransitionListener,
    random: () => number = Math.random,
  ) {
    this.breaker = new CircuitBreaker(policy.breaker, (from, to, openUntil) => {
      // A probe that succeeded proves the backend is back: the throttle's failures are old news,
      // and holding them would refuse the first minutes of recovered traffic.
      if (to === 'closed') this.throttle?.reset();
      onTransition(from, to, openUntil);
    }, random);
    this.bulkhead = new Bulkhead(policy.concurrency.maxInFlight, policy.concurrency.maxQueue);
    this.budget = new RetryBudget(policy.breaker.windowMs, policy.retry.budgetRatio, policy.retry.budgetReserve);
    this.applyLimiters(policy, now);
  }

  /** Swap in a new policy, keeping breaker state, queue and counts. */
  setPolicy(policy: OriginPolicy, now: number): void {
    const previous = this.policy;
    this.policy = policy;
    this.breaker.setPolicy(policy.breaker);
    this.bulkhead.setLimits(policy.concurrency.maxInFlight, policy.concurrency.maxQueue);
    this.budget.setRates(policy.retry.budgetRatio, policy.retry.budgetReserve);
    if (JSON.stringify(previous.rateLimit) !== JSON.stringify(policy.rateLimit) ||
        JSON.stringify(previous.throttle) !== JSON.stringify(policy.throttle)) {
      this.applyLimiters(policy, now);
    }
  }

  /**
   * Milliseconds the origin is still paused (0: not paused). A clock set back before the pause
   * began ends it: a day set back would otherwise add a day to a server's Retry-After: 5.
   */
  pausedMs(now: number): number {
    if (this.pausedUntil <= now) return 0;
    if (now >= this.pausedAt) return this.pausedUntil - now;
    this.pausedUntil = 0;
    return 0;
  }

  /** The server asked for a wait until `until` (a longer pause already in force stands); false when nothing changed. */
  pauseUntil(until: number, now: number): boolean {
    if (until <= this.pausedUntil && this.pausedMs(now) > 0) return false;
    this.pausedUntil = until;
    this.pausedAt = now;
    return true;
  }

  get busy(): boolean {
    return this.bulkhead.active > 0 || this.bulkhead.queued > 0;
  }

  snapshot(now: number): OriginSnapshot {
    return {
      origin: this.origin,
      breaker: this.breaker.snapshot(now),
      inFlight: this.bulkhead.active,
      queued: this.bulkhead.queued,
      maxInFlight: this.policy.concurrency.maxInFlight,
      maxQueue: this.policy.concurrency.maxQueue,
      retryBudget: this.budget.available(now),
      calls: this.budget.calls(now),
      retries: this.budget.retries(now),
      pausedUntil: this.pausedMs(now) > 0 ? this.pausedUntil : null,
      rateLimitTokens: this.limiter?.available(now) ?? null,
      throttleProbability: this.throttle?.probability(now) ?? null,
    };
  }

  export(now: number): SavedOriginState {
    return {
      origin: this.origin,
      breaker: this.breaker.export(),
      pausedUntil: this.pausedMs(now) > 0 ? this.pausedUntil : null,
      savedAt: now,
    };
  }

  restore(saved: SavedOriginState): void {
    this.breaker.restore(saved.breaker, saved.savedAt);
    this.pausedUntil = saved.pausedUntil ?? 0;
    this.pausedAt = saved.savedAt;
  }

  private applyLimiters(policy: OriginPolicy, now: number): void {
    this.limiter = policy.rateLimit ? new TokenBucket(policy.rateLimit.perSecond, policy.rateLimit.burst, now) : null;
    this.throttle = policy.throttle ? new AdaptiveThrottle(policy.throttle.k, policy.throttle.windowMs, policy.throttle.minimumRequests) : null;
  }
}
