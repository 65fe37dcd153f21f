import type { Permit } from './circuit-breaker.js';
import type { Deadline } from './deadline-timer.js';
import { MAX_TIMER_MS } from './max-timer.js';
import { isFailureStatus, isPushbackStatus } from './classify.js';
import { serverDelayMs } from './server-delay.js';
import type { Deps } from './deps.js';
import type { OriginState } from './origin-state.js';
import type { RequestPlan } from './request-plan.js';
import { refusedRedirect } from './refused-redirect.js';
import { cancelBody } from './responses.js';
import type { AttemptTrace, CallTrace } from './types.js';

/** What one attempt came to. `durationMs` runs from the attempt's own start, never the call's. */
export type AttemptResult =
  /** `serverDelayMs`: what an error answer asked for (Retry-After, rate-limit fields), capped. */
  | { kind: 'response'; response: Response; failure: boolean; durationMs: number; serverDelayMs: number | undefined }
  | { kind: 'timeout' | 'network-error'; error: unknown; durationMs: number }
  | { kind: 'aborted'; durationMs: number };

/**
 * Set (to true) on a transport's rejection that sent nothing: a Workbox `requestWillFetch` plugin
 * threw (an auth plugin with no token). Not the upstream's failure, so counted as nothing, not
 * retried: the call rejects with it, as when a transport throws. Counted as a network error, ten
 * such calls opened the breaker with no request sent, and the next one, signed in, was refused.
 */
export const NOT_SENT = Symbol.for('resilient-fetch.not-sent');

/**
 * Set on the error a call rejects with once its attempts ran out: how many went to the network.
 * A rejection carries no X-Resilience-Attempts, and the outbox keeping the write says how many
 * were made (sw/outbox/attempts.ts).
 */
export const ATTEMPTS_MADE = Symbol.for('resilient-fetch.attempts');

/** Whether a transport's rejection says it sent nothing (see NOT_SENT). */
export function sentNothing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [NOT_SENT]?: unknown })[NOT_SENT] === true;
}

/** What an attempt needs from its call. */
export interface AttemptHost {
  readonly deps: Deps;
  readonly state: OriginState;
  readonly plan: RequestPlan;
  readonly url: string;
  readonly signal: AbortSignal | undefined;
  readonly span: CallTrace | undefined;
  /** What the caller's abort cancels right now (the attempt sets and clears it). */
  onAbort: (() => void) | null;
  safeUrl(): string;
  mayPropagate(): boolean;
}

/**
 * Sends one attempt: a timeout that aborts the fetch, the caller's abort, the breaker's verdict,
 * the attempt's span. Resolves, and rejects only when the transport itself throws.
 */
export function sendAttempt(call: AttemptHost, permit: Permit, timeoutMs: number, startedAt: number, resend: number): Promise<AttemptResult> {
  const { clock, deadlines, transport } = call.deps;
  const plan = call.plan;
  const breaker = call.state.breaker;
  // A controller of our own only when a timer may have to abort the fetch; otherwise the
  // caller's signal (if any) reaches fetch as it is. (Creating an AbortSignal costs ~3 µs on Node 20.)
  const controller = timeoutMs <= MAX_TIMER_MS ? new AbortController() : null;
  const init: RequestInit = plan.init === undefined ? { signal: controller?.signal ?? call.signal } : { ...plan.init, signal: controller?.signal ?? call.signal };
  if (plan.body !== undefined) init.body = plan.body;
  let headers = plan.headers;
  let span: AttemptTrace | undefined;
  if (call.span !== undefined) {
    span = call.span.startAttempt(plan.method, call.url, call.safeUrl(), resend);
    if (span !== undefined && call.mayPropagate()) {
      headers = new Headers(headers ?? plan.init?.headers ?? (plan.input instanceof Request ? plan.input.headers : undefined));
      span.inject(headers);
    }
  }
  if (headers !== undefined) init.headers = headers;
  const stateBefore = call.span !== undefined ? breaker.current(startedAt) : undefined;

  /** Counts the attempt and ends its span; `now`: when it ended. */
  const judge = (result: AttemptResult, now: number, status?: number, errorType?: string): AttemptResult => {
    countAttempt(call.state, call.deps.isOnline, permit, result, now);
    if (stateBefore !== undefined) {
      const stateAfter = breaker.current(now);
      if (stateAfter !== stateBefore) call.span?.event('resilience.breaker.transition', { 'resilience.breaker.from': stateBefore, 'resilience.breaker.to': stateAfter });
    }
    span?.end(status, errorType, result.kind === 'aborted');
    return result;
  };
  const answered = (response: Response): AttemptResult => {
    if (!(response instanceof Response)) throw notAResponse(response); // (one instanceof per attempt)
    const refused = plan.refusesRedirects ? refusedRedirect(response, call.safeUrl()) : undefined;
    if (refused !== undefined) {
      cancelBody(response);
      throw refused; // counted as nothing and not retried (giveUp): the upstream answered
    }
    const now = clock.now();
    return judge(responseResult(call.state, response, startedAt, now), now, response.status);
  };
  const failed = (error: unknown): AttemptResult => {
    if (sentNothing(error)) throw error; // counted as nothing, and the call rejects with it (giveUp)
    const now = clock.now();
    return judge(errorResult(error, startedAt, now), now, undefined, errorType(error));
  };

  return new Promise<AttemptResult>((resolve, reject) => {
    let settled = false;
    let deadline: Deadline | undefined;
    // Settled before it is judged: judging runs listeners (a breaker event), and an abort they
    // cause must find this attempt already over.
    const finish = (judged: () => AttemptResult) => {
      if (settled) return;
      settled = true;
      if (deadline !== undefined) deadlines.remove(deadline);
      call.onAbort = null;
      let result: AttemptResult;
      try {
        result = judged();
      } catch (error) {
        return giveUp(error); // thrown in a transport callback, it left this promise unsettled: the call hung
      }
      if (result.kind === 'response' && controller !== null && call.signal !== undefined) linkBodyToCaller(controller, call.signal, result.response);
      resolve(result);
    };
    // The transport broke its contract (threw, returned no promise, or no Response): nothing to
    // judge, so counted as nothing (a probe's trial is handed back), and the call rejects with it.
    const giveUp = (error: unknown) => {
      judge({ kind: 'aborted', durationMs: 0 }, clock.now());
      reject(error);
    };
    if (controller !== null) {
      deadline = deadlines.add(startedAt, timeoutMs, () => {
        deadline = undefined; // the timer let go of it already
        controller.abort(timeoutError(timeoutMs));
        finish(() => {
          const now = clock.now();
          return judge({ kind: 'timeout', error: controller.signal.reason, durationMs: now - startedAt }, now, undefined, 'timeout');
        });
      });
    }
    // Only a caller's signal calls it (the Call's abort listener).
    if (call.signal !== undefined) {
      call.onAbort = () => {
        controller?.abort(call.signal?.reason); // without one, the caller's signal itself reached fetch
        finish(() => {
          const now = clock.now();
          return judge({ kind: 'aborted', durationMs: now - startedAt }, now);
        });
      };
    }
    try {
      transport(plan.input, init).then(
        (response) => {
          if (settled) cancelBody(response); // answered after we gave up: free the connection
          else finish(() => answered(response));
        },
        (error: unknown) => {
          finish(() => failed(error));
        },
      );
    } catch (error) {
      // A transport that throws, or returns no promise, sent nothing (fetch never does this): its
      // error is the caller's, as on the first attempt (first-attempt.ts). Settled now: left armed,
      // the timer would count a timeout much later.
      finish(() => {
        throw error;
      });
    }
  });
}

/** What an answer from the network comes to. */
export function responseResult(state: OriginState, response: Response, startedAt: number, now: number): AttemptResult {
  const asked = response.status >= 400 ? serverDelayMs(response.headers, now) : undefined;
  const serverDelay = asked === undefined ? undefined : Math.min(asked, state.policy.retry.maxRetryAfterMs);
  return { kind: 'response', response, failure: isFailureStatus(response.status), durationMs: now - startedAt, serverDelayMs: serverDelay };
}

/** What a fetch that rejected comes to. */
export function errorResult(error: unknown, startedAt: number, now: number): AttemptResult {
  return { kind: 'network-error', error, durationMs: now - startedAt };
}

/** The error type an attempt's span records: fetch rejects a network failure with a TypeError. */
function errorType(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  return name === 'TypeError' ? 'network_error' : name;
}

/** What a transport that resolved with something other than a Response is told: what it was, by name. */
export function notAResponse(value: unknown): TypeError {
  const what = typeof value !== 'object' || value === null ? String(value) : `an object (${(value as { constructor?: { name?: string } }).constructor?.name || 'no class'})`;
  return new TypeError(`fetch transport resolved with ${what}, not a Response`);
}

/** The reason an attempt's own timer aborts its fetch with. */
export function timeoutError(timeoutMs: number): DOMException {
  return new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError');
}

/** Counts an attempt for the breaker, the throttle and the retry budget. */
export function countAttempt(state: OriginState, isOnline: () => boolean, permit: Permit, result: AttemptResult, now: number): void {
  if (result.kind === 'response' && !result.failure) return countSuccess(state, permit, now, result.durationMs);
  // Offline, failures are not held against the origin (DESIGN.md); an answer that came is one.
  // (Asked only then: navigator.onLine is a DOM getter, and failures are rare.)
  const verdict = result.kind === 'aborted' || !isOnline() ? 'ignored' : 'failure';
  const pushback = result.kind === 'response' && isPushbackStatus(result.response.status) ? result.serverDelayMs : undefined;
  state.breaker.record(now, permit, verdict, result.durationMs, pushback);
  if (verdict === 'failure') state.throttle?.record(now, false);
}

/** Counts an answer that is not a failure. */
export function countSuccess(state: OriginState, permit: Permit, now: number, durationMs: number): void {
  state.breaker.record(now, permit, 'success', durationMs);
  state.throttle?.record(now, true);
  state.budget.recordSuccess();
}

/** Takes the link off the caller's signal once nobody can read the body any more. */
const unlinkWhenCollected = new FinalizationRegistry<() => void>((unlink) => unlink());

/**
 * After the headers, the caller's abort must still error the body and free the connection, as
 * with fetch: the fetch was given our controller's signal, so the caller's abort is passed on to it.
 * Until the response is collected: a signal shared by many calls (one per page or component) kept
 * a listener per call before, for good (Node warned past ten; after 1,000 calls each call took
 * 45-145 µs). AbortSignal.any would link them without a listener, but with a long-lived source
 * it costs 8-18 µs and leaks ~0.5 KB a call in Node 22.
 */
function linkBodyToCaller(controller: AbortController, callerSignal: AbortSignal, response: Response): void {
  if (callerSignal.aborted) return controller.abort(callerSignal.reason);
  const forward = () => controller.abort(callerSignal.reason);
  callerSignal.addEventListener('abort', forward); // (a signal aborts once: no `once` needed)
  unlinkWhenCollected.register(response, () => callerSignal.removeEventListener('abort', forward));
}
