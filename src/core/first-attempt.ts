import { countAttempt, countSuccess, errorResult, notAResponse, responseResult, sentNothing, timeoutError, type AttemptResult } from './attempt.js';
import { MAX_TIMER_MS } from './max-timer.js';
import { Call } from './call.js';
import { isPlainAnswer } from './classify.js';
import type { CallHost } from './deps.js';
import type { OriginState } from './origin-state.js';
import type { RequestPlan } from './request-plan.js';
import { cancelBody } from './responses.js';
import type { CallOptions } from './types.js';

/**
 * The call most calls are, sent without building a `Call`: admitted, a free slot, a closed
 * breaker, and nothing to watch (no caller signal, no span, no stored copy racing the network,
 * no body to replay). A plain answer goes back as it is, counted like any attempt; anything else
 * (a failure, a status to retry, the attempt's timeout) is judged the same way and handed to a
 * `Call`, which goes on from there as if it had sent the attempt itself (`Call.resume`), so
 * retries, fallback and events keep one home.
 *
 * Why: the Call and the attempt's closures were most of a healthy call's cost (bench/PROFILE.md,
 * round 4). Returns null when the call cannot take this path (no free slot, a breaker not closed).
 */
export function sendFirst(
  engine: CallHost,
  state: OriginState,
  plan: RequestPlan,
  url: string,
  options: CallOptions | undefined,
  startedAt: number,
  deadline: number,
): Promise<Response> | null {
  const { bulkhead, breaker } = state;
  if (!bulkhead.tryEnter()) return null;
  if (breaker.current(startedAt) !== 'closed') {
    bulkhead.release();
    return null;
  }
  state.budget.recordCall(startedAt);
  const { clock, deadlines, transport, isOnline } = engine.deps;
  const policy = state.policy;

  /** Anything but a plain answer: judged as any attempt is, then a Call goes on from there. */
  const handOver = (result: AttemptResult, now: number): Promise<Response> => {
    countAttempt(state, isOnline, 'normal', result, now);
    return new Call(engine, state, plan, url, undefined, options, startedAt, deadline, null).resume(result);
  };
  const answered = (response: Response): Response | Promise<Response> => {
    // Not a Response (a transport that forgot its return, a plugin answering a look-alike with a
    // status): judged as later attempts judge it (attempt.ts), counted as nothing and rejected.
    // Read for its status only, a look-alike 200 went to the caller as if it were one.
    if (!(response instanceof Response)) {
      bulkhead.release();
      throw notAResponse(response);
    }
    const now = clock.now();
    if (!isPlainAnswer(response.status, policy.retry.retryOnStatus)) return handOver(responseResult(state, response, startedAt, now), now);
    countSuccess(state, 'normal', now, now - startedAt);
    bulkhead.release();
    return response; // the first try from the network: passed on untouched
  };
  const failed = (error: unknown): Promise<Response> => {
    if (sentNothing(error)) {
      bulkhead.release(); // nothing sent, nothing to count: the call rejects with it
      throw error;
    }
    const now = clock.now();
    return handOver(errorResult(error, startedAt, now), now);
  };

  const timeoutMs = Math.min(options?.timeoutMs ?? policy.timeoutMs, deadline - startedAt);
  if (timeoutMs > MAX_TIMER_MS) {
    // No timer can end the attempt before fetch does: fetch's own promise is the attempt.
    try {
      return transport(plan.input, plan.init).then(answered, failed);
    } catch (error) {
      bulkhead.release(); // it threw, or returned no promise: nothing was sent
      return Promise.reject(error);
    }
  }

  const controller = new AbortController();
  const init: RequestInit = plan.init === undefined ? { signal: controller.signal } : { ...plan.init, signal: controller.signal };
  // Raced against the timer rather than trusting fetch to reject once aborted: a transport that
  // ignores the signal must not hold the call past its timeout.
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const expiry = deadlines.add(startedAt, timeoutMs, () => {
      settled = true;
      controller.abort(timeoutError(timeoutMs));
      settleWith(resolve, reject, (reason: unknown) => {
        const now = clock.now();
        return handOver({ kind: 'timeout', error: reason, durationMs: now - startedAt }, now);
      }, controller.signal.reason);
    });
    try {
      transport(plan.input, init).then(
        (response) => {
          if (settled) return cancelBody(response); // answered after the timeout: free the connection
          settled = true;
          deadlines.remove(expiry);
          settleWith(resolve, reject, answered, response);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          deadlines.remove(expiry);
          settleWith(resolve, reject, failed, error);
        },
      );
    } catch (error) {
      // It threw, or returned no promise: nothing was sent.
      settled = true;
      deadlines.remove(expiry);
      bulkhead.release();
      reject(error);
    }
  });
}

/** Resolves with what `next` makes of `value`: a throw in it rejects the call instead of escaping a callback. */
function settleWith<T>(resolve: (answer: Response | Promise<Response>) => void, reject: (error: unknown) => void, next: (value: T) => Response | Promise<Response>, value: T): void {
  try {
    resolve(next(value));
  } catch (error) {
    reject(error);
  }
}
