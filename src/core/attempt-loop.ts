import { admitLater, PROBE_POLL_MS } from './admission.js';
import { sendAttempt, type AttemptHost, type AttemptResult } from './attempt.js';
import { backoffDelay } from './backoff.js';
import { isPlainAnswer, isPushbackStatus } from './classify.js';
import type { CallHost } from './deps.js';
import { LocalRejection } from './local-rejection.js';
import { succeed, type OutcomeHost } from './outcome.js';
import { cancelBody } from './responses.js';
import type { CallOptions, FailureReason, OriginPolicy } from './types.js';

/** The attempts ran out: why, and the last thing the network said. */
export interface Exhausted {
  reason: FailureReason | 'circuit-open';
  last: AttemptResult | undefined;
}

/** The call as its attempts see it (call.ts): what they read, and the counters they move. */
export interface LoopHost extends AttemptHost, OutcomeHost {
  readonly engine: CallHost;
  readonly policy: OriginPolicy;
  readonly options: CallOptions | undefined;
  readonly deadline: number;
  /** When the call got its slot: the first attempt's admission was judged then. */
  readonly admittedAt: number;
  attempts: number;
  /** The next attempt passes the whole admission (rate-limit token, throttle), not only the pause. */
  admitFully: boolean;
  /** Resolves after `ms`; the caller's abort rejects it. */
  sleep(ms: number): Promise<void>;
  traceIds(): { traceId?: string; spanId?: string };
}

/**
 * Attempts until one answers or a rule stops them: the breaker, the retry count, the deadline,
 * the retry budget, a status not worth retrying, a body that cannot be replayed. `queued`: the
 * call waited for its slot, so its first attempt is admitted again; `first`: the fast path's
 * attempt (first-attempt.ts), already sent.
 */
export async function attemptLoop(call: LoopHost, queued: boolean, first?: AttemptResult): Promise<Response | LocalRejection | Exhausted> {
  const { clock, random } = call.deps;
  const state = call.state;
  const retry = call.policy.retry;
  const maxRetries = call.options?.retries ?? retry.maxRetries;
  let previousDelay = retry.baseDelayMs;
  let last: AttemptResult | undefined;
  let now = call.admittedAt;
  for (let sent = first; ; sent = undefined) {
    let result = sent;
    if (result === undefined) {
      if (last !== undefined || queued) {
        const refused = await waitForAdmission(call, last !== undefined || call.admitFully);
        call.admitFully = false;
        if (refused !== null) return last === undefined ? refused : { reason: refused.reason === 'deadline' ? 'deadline' : failureReason(last), last };
        now = clock.now();
      }
      if (now >= call.deadline) return last === undefined ? new LocalRejection('deadline') : { reason: 'deadline', last };
      const permit = state.breaker.tryAcquire(now);
      if (permit === null) {
        if (last === undefined && waitsForProbe(call, now)) {
          await call.sleep(PROBE_POLL_MS);
          now = clock.now();
          continue;
        }
        return last === undefined ? new LocalRejection('circuit-open', state.breaker.retryAfterMs(now) || undefined) : { reason: 'circuit-open', last };
      }
      const timeoutMs = Math.min(call.options?.timeoutMs ?? call.policy.timeoutMs, call.deadline - now);
      result = await sendAttempt(call, permit, timeoutMs, now, call.attempts++);
    }
    if (result.kind === 'aborted') throw call.signal?.reason;
    if (result.kind === 'response' && isPlainAnswer(result.response.status, retry.retryOnStatus)) return succeed(call, result.response);
    const retryable = result.kind === 'response' ? retry.retryOnStatus.includes(result.response.status) : true;
    if (last?.kind === 'response') cancelBody(last.response);
    last = result;
    const after = clock.now();
    const serverDelay = result.kind === 'response' ? (result.serverDelayMs ?? 0) : 0;
    if (result.kind === 'response' && result.serverDelayMs !== undefined && isPushbackStatus(result.response.status)) pause(call, after + serverDelay);
    if (!retryable || !call.plan.replayable || call.attempts > maxRetries) return { reason: failureReason(result), last };

    const backoff = backoffDelay(retry, call.attempts, previousDelay, random);
    previousDelay = backoff;
    const delay = Math.max(backoff, serverDelay);
    if (after + delay >= call.deadline) return { reason: 'deadline', last };
    // A retry the breaker would still refuse after the backoff (a failed probe re-opened it): stop
    // now, so the caller gets its fallback without waiting out a delay that cannot help it.
    if (state.breaker.retryAfterMs(after) > delay) return { reason: 'circuit-open', last };
    if (!state.budget.tryWithdraw(after)) return { reason: 'budget-exhausted', last };
    const cause = result.kind === 'response' ? `status ${result.response.status}` : result.kind;
    if (call.deps.listening) call.engine.emit({ type: 'retry', origin: state.origin, at: after, url: call.url, attempt: call.attempts, delayMs: delay, cause, ...call.traceIds() });
    call.span?.event('resilience.retry', { 'resilience.attempt': call.attempts, 'resilience.delay_ms': Math.round(delay), 'resilience.cause': cause });
    await call.sleep(delay);
  }
}

/** Waits out an origin pause or the rate limit within the deadline; null when the attempt may go. */
async function waitForAdmission(call: LoopHost, isRetry: boolean): Promise<LocalRejection | null> {
  for (;;) {
    const now = call.deps.clock.now();
    const verdict = admitLater(call.state, now, call.deps, isRetry);
    if (typeof verdict !== 'number') return verdict;
    if (now + verdict >= call.deadline) return new LocalRejection('deadline');
    await call.sleep(verdict);
  }
}

/** A write not yet sent waits for a half-open breaker's probe rather than being refused (see `outwaits`). */
function waitsForProbe(call: LoopHost, now: number): boolean {
  return call.method !== 'GET' && call.method !== 'HEAD' && call.state.breaker.current(now) === 'half-open' && now + PROBE_POLL_MS < call.deadline;
}

/** The server asked the whole origin to wait (Retry-After on a 429/503): every call waits, not only this one. */
function pause(call: LoopHost, until: number): void {
  const state = call.state;
  const now = call.deps.clock.now();
  if (!state.pauseUntil(until, now)) return;
  call.engine.emit({ type: 'paused', origin: state.origin, at: now, until });
  call.engine.save(state);
}

export function failureReason(result: AttemptResult): FailureReason {
  if (result.kind === 'timeout') return 'timeout';
  if (result.kind === 'network-error') return 'network-error';
  return 'upstream-error';
}
