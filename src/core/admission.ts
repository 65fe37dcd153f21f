import type { Deps } from './deps.js';
import { LocalRejection } from './local-rejection.js';
import type { OriginState } from './origin-state.js';

/**
 * The checks a call's first attempt passes before it is planned: they cost nothing and touch no
 * network, in the order DESIGN.md gives. (The breaker's permit itself is taken per attempt.)
 */
export function admit(state: OriginState, now: number, deps: Deps): LocalRejection | null {
  if (!deps.isOnline()) return new LocalRejection('offline');
  if (state.pausedUntil > now && state.pausedMs(now) > 0) return new LocalRejection('paused', state.pausedUntil - now);
  if (state.limiter !== null && !state.limiter.tryTake(now)) return new LocalRejection('rate-limited', state.limiter.waitMs(now));
  if (!state.breaker.wouldAllow(now)) return new LocalRejection('circuit-open', state.breaker.retryAfterMs(now) || undefined, state.breaker.current(now) === 'half-open');
  // While the breaker is not closed its probes decide; the throttle, still full of the outage's
  // failures, would refuse the very probe that proves the backend is back.
  if (state.throttle !== null && state.breaker.current(now) === 'closed' && state.throttle.shouldReject(now, deps.random)) return new LocalRejection('throttled');
  return null;
}

/**
 * The checks a later attempt passes: a retry, or a first attempt that waited in the queue while
 * another call may have paused the origin. A number means "wait this long, then ask again".
 * A first attempt already took its rate-limit token and throttle draw at admission.
 */
export function admitLater(state: OriginState, now: number, deps: Deps, isRetry: boolean): LocalRejection | number | null {
  if (!deps.isOnline()) return new LocalRejection('offline');
  if (state.pausedUntil > now && state.pausedMs(now) > 0) return state.pausedUntil - now;
  if (!isRetry) return null;
  if (state.limiter !== null && !state.limiter.tryTake(now)) return Math.max(1, state.limiter.waitMs(now));
  if (state.throttle !== null && state.breaker.current(now) === 'closed' && state.throttle.shouldReject(now, deps.random)) return new LocalRejection('throttled');
  return null;
}

/**
 * Whether a call refused at admission should rather wait: a write has no stored copy to stand in
 * for it, so refusing it during a pause the server asked for (or until the rate limit's next
 * token) loses a write plain fetch would have landed. It waits when the wait ends before its
 * deadline; a read keeps its immediate answer (a stored copy, or the synthetic 503).
 */
export function outwaits(rejection: LocalRejection, method: string, now: number, deadline: number): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  return now + waitFor(rejection) < deadline;
}

/**
 * How often a write waiting on a half-open breaker asks again: its probe's verdict is one round
 * trip away. (An open breaker is not waited on: in an outage a write is refused at once.)
 */
export const PROBE_POLL_MS = 100;

/** How long an outwaitable rejection asks to wait; Infinity when it is not one. */
export function waitFor(rejection: LocalRejection): number {
  if (rejection.reason === 'circuit-open') return rejection.probing ? PROBE_POLL_MS : Infinity;
  if (rejection.reason !== 'paused' && rejection.reason !== 'rate-limited') return Infinity;
  return rejection.retryAfterMs ?? Infinity;
}
