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
  pausedUntil = 0;

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
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      rateLimitTokens: this.limiter?.available(now) ?? null,
      throttleProbability: this.throttle?.probability(now) ?? null,
    };
  }

  export(now: number): SavedOriginState {
    return {
      origin: this.origin,
      breaker: this.breaker.export(),
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      savedAt: now,
    };
  }

  restore(saved: SavedOriginState): void {
    this.breaker.restore(saved.breaker);
    this.pausedUntil = saved.pausedUntil ?? 0;
  }

  private applyLimiters(policy: OriginPolicy, now: number): void {
    this.limiter = policy.rateLimit ? new TokenBucket(policy.rateLimit.perSecond, policy.rateLimit.burst, now) : null;
    this.throttle = policy.throttle ? new AdaptiveThrottle(policy.throttle.k, policy.throttle.windowMs, policy.throttle.minimumRequests) : null;
  }
}
