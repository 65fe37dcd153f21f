import type { AttemptResult } from './attempt.js';
import { callTimedOut } from './call-timed-out.js';
import { ResilienceError } from './errors.js';
import { handlerAnswer, storedCopy, usesCache, type FallbackHost } from './fallback.js';
import type { LocalRejection } from './local-rejection.js';
import type { OriginState } from './origin-state.js';
import { annotate, cancelBody, retryAfterSeconds, syntheticResponse, withUrlOf } from './responses.js';
import type { CallOptions, FailureReason, RejectReason, ResilienceReason } from './types.js';

/** What the caller's answer is made from: its call, once the attempts are over. */
export interface OutcomeHost extends FallbackHost {
  readonly state: OriginState;
  readonly options: CallOptions | undefined;
  /** The caller's signal: once it aborted, the body the cache was reading errored with it. */
  readonly signal: AbortSignal | undefined;
  /** Its caller already has a stored copy; the call went on only to refresh the store. */
  readonly answered: boolean;
  safeUrl(): string;
}

/** A network answer for the caller: stored for later fallbacks, marked when it took retries. */
export function succeed(call: OutcomeHost, response: Response): Response {
  const { cache } = call.engine.deps;
  if (usesCache(call.method, cache, call.fallback) && response.status === 200) {
    try {
      const key = call.cacheKey();
      if (cache.wants?.(key, response) ?? true) {
        // The copy's chunks counted as they pass to the cache: a put still receiving its body is not stuck (engine.ts trackWrite).
        let chunks = 0;
        const copy = response.clone();
        const body = copy.body?.pipeThrough(new TransformStream({ transform: (chunk, out) => out.enqueue((chunks++, chunk)) }));
        // A copy cut off by the caller's abort is no error of the cache's (fetch reports none either).
        const put = Promise.resolve(cache.put(key, body ? withUrlOf(new Response(body, copy), copy) : copy)).catch((error: unknown) => {
          if (!call.signal?.aborted) throw error;
        });
        call.stored = call.engine.trackWrite(put, 'cache.put', call.state.origin, () => chunks);
      }
    } catch (error) {
      call.engine.track(Promise.reject(error)); // reported by track; the caller still gets the response
    }
  }
  call.span?.outcome(call.attempts === 1 ? 'fresh' : 'retried');
  if (call.attempts === 1) return response; // first try from the network: pass through untouched
  return annotate(response, { source: 'network', attempts: call.attempts, traceId: call.span?.ids().traceId });
}

/** Attempts ran out: a stored or app-given answer if allowed, else the last 5xx as it is, else fetch's error. */
export async function fail(call: OutcomeHost, reason: FailureReason | 'circuit-open', last: AttemptResult | undefined): Promise<Response> {
  const { attempts } = call;
  call.engine.emit({ type: 'failed', origin: call.state.origin, at: call.engine.deps.clock.now(), url: call.url, reason: reason === 'circuit-open' ? 'upstream-error' : reason, attempts, ...call.traceIds() });
  const fallback = await fallbackFor(call, reason);
  if (fallback !== undefined) {
    if (last?.kind === 'response') cancelBody(last.response);
    return fallback;
  }
  call.span?.outcome('failed', reason);
  if (last?.kind === 'response') return annotate(last.response, { source: 'network', reason, attempts, traceId: call.span?.ids().traceId });
  if (last?.kind === 'timeout' || (last === undefined && reason === 'deadline')) {
    throw callTimedOut(call.safeUrl(), reason);
  }
  throw new TypeError(`resilient-fetch: ${call.safeUrl()} failed after ${attempts} attempt(s) (${reason})`, {
    cause: last?.kind === 'network-error' ? last.error : undefined,
  });
}

/** Refused before the network: a stored or app-given answer if allowed, else a synthetic 503 (or ResilienceError). */
export async function rejectLocally(call: OutcomeHost, { reason, retryAfterMs }: LocalRejection): Promise<Response> {
  const { engine, state } = call;
  if (engine.deps.listening) engine.emit({ type: 'rejected', origin: state.origin, at: engine.deps.clock.now(), url: call.url, reason, ...call.traceIds() });
  const fallback = await fallbackFor(call, reason);
  if (fallback !== undefined) return fallback;
  call.span?.outcome('rejected', reason);
  if (call.options?.throwOnReject === true) throw rejectionError(reason, state.origin, retryAfterMs);
  return syntheticResponse(reason, retryAfterMs, call.attempts, call.traceIds().traceId);
}

/**
 * The error of a refusal when the caller asked for one (throwOnReject). Its wait is the synthetic
 * answer's Retry-After, in whole seconds: through the worker that header is all the page has to
 * build the error from, and the same call must read the same in the page.
 */
export function rejectionError(reason: RejectReason, origin: string, retryAfterMs: number | undefined): ResilienceError {
  return new ResilienceError(reason, origin, retryAfterMs === undefined ? undefined : retryAfterSeconds(retryAfterMs) * 1000);
}

/**
 * The stored copy, then the app's answer. None for a call whose caller was already answered from
 * the stored copy: nobody would read it, and when an outage empties a full queue at once, those
 * lookups are a burst of IndexedDB reads in front of the calls that do need one.
 */
async function fallbackFor(call: OutcomeHost, reason: ResilienceReason): Promise<Response | undefined> {
  if (call.answered) return undefined;
  return (await storedCopy(call, reason)) ?? (await handlerAnswer(call, reason));
}

