import type { Deps } from './call.js';
import type { OriginState } from './origin-state.js';
import type { RejectReason } from './types.js';

/** A call the pipeline decided not to send (or not to send again). */
export class LocalRejection {
  constructor(
    readonly reason: RejectReason,
    readonly retryAfterMs?: number,
  ) {}
}

/** The checks that cost nothing and touch no network, in the order DESIGN.md gives. */
export function admit(state: OriginState, now: number, deps: Deps): LocalRejection | null {
  if (!deps.isOnline()) return new LocalRejection('offline');
  if (state.pausedUntil > now) return new LocalRejection('paused', state.pausedUntil - now);
  if (state.limiter !== null && !state.limiter.tryTake(now)) return new LocalRejection('rate-limited', state.limiter.waitMs(now));
  if (state.throttle !== null && state.throttle.shouldReject(now, deps.random)) return new LocalRejection('throttled');
  if (!state.breaker.wouldAllow(now)) return new LocalRejection('circuit-open', state.breaker.retryAfterMs(now) || undefined);
  return null;
}
