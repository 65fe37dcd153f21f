import type { CallHost } from './deps.js';
import { messageOf, reportError } from './report-error.js';
import { originOf } from './origin.js';
import { annotate, cancelBody } from './responses.js';
import { ageMs as storedAge } from './stored-age.js';
import { STUCK_AFTER_MS, TIMED_OUT, within } from './within.js';
import type { CallTrace, FallbackPolicy, OriginPolicy, ResilienceReason, ResponseCache } from './types.js';

/** What a fallback needs from its call. */
export interface FallbackHost {
  readonly engine: CallHost;
  readonly policy: OriginPolicy;
  readonly method: string;
  readonly url: string;
  readonly span: CallTrace | undefined;
  readonly maxStaleMs: number;
  readonly fallback: FallbackPolicy;
  attempts: number;
  cacheKey(): Request;
  traceIds(): { traceId?: string; spanId?: string };
  /** Milliseconds left before the call's deadline. */
  remainingMs(): number;
  /** The caller has its answer (a stored copy) while the call goes on to refresh the store. */
  answeredEarly?(): void;
  /** The write of this call's answer into the store, once one began: bounded, never rejects. */
  stored?: Promise<void>;
}

/**
 * Whether a call's answers are stored and a stored copy may stand in for it: a GET (a stored
 * answer to a write would be a lie), an engine with a cache, a fallback that allows it.
 */
export function usesCache(method: string, cache: ResponseCache | undefined, fallback: FallbackPolicy): cache is ResponseCache {
  return method === 'GET' && cache !== undefined && (fallback === 'cache' || (typeof fallback === 'object' && fallback.cache !== false));
}

/**
 * The stored copy, if one exists within maxStaleMs; never rejects. A lookup that never settled (a
 * cache's bug, an IndexedDB open queued behind another context) held the call for good, past its
 * deadline: it is waited for STUCK_AFTER_MS at most (ours answers in milliseconds: a whole queue's
 * lookups at once took ~100 ms, recent-entries.ts), then the call ends as without a copy.
 */
export async function storedCopy(call: FallbackHost, reason: ResilienceReason): Promise<Response | undefined> {
  const { cache, clock, deadlines } = call.engine.deps;
  if (!usesCache(call.method, cache, call.fallback)) return undefined;
  let hit: Awaited<ReturnType<NonNullable<typeof cache>['match']>> | typeof TIMED_OUT;
  try {
    hit = await within(deadlines, clock.now(), STUCK_AFTER_MS, cache.match(call.cacheKey()), (late) => late && cancelBody(late.response));
  } catch (error) {
    reportError(error);
    return undefined; // a broken cache means no fallback, never a broken call
  }
  if (hit === TIMED_OUT) {
    const message = `cache.match: no answer in ${STUCK_AFTER_MS} ms`;
    reportError(new Error(message));
    call.engine.emit({ type: 'degraded', origin: originOf(call.url), at: clock.now(), component: 'cache', message });
    return undefined;
  }
  if (hit === undefined) return undefined;
  if (!isStoredCopy(hit)) {
    // A custom cache's slip: without a storedAt, maxStaleMs was never judged (any age served).
    const response = (hit as { response?: unknown } | null)?.response;
    if (response instanceof Response) cancelBody(response);
    reportError(new TypeError('cache.match: no { response, storedAt }'));
    return undefined;
  }
  const now = clock.now();
  const ageMs = storedAge(hit.storedAt, now); // Infinity: stored before the clock went back, age unknown
  if (ageMs > call.maxStaleMs) {
    cancelBody(hit.response);
    return undefined;
  }
  // Capped as RFC 9111 §1.2.2 caps delta-seconds: an unknown age is served only under maxStaleMs: Infinity.
  const ageSeconds = Math.min(Math.floor(ageMs / 1000), 2_147_483_648);
  call.engine.emit({ type: 'fallback', origin: originOf(call.url), at: now, url: call.url, reason, ageMs, ...call.traceIds() });
  call.span?.event('resilience.fallback', { 'resilience.reason': reason, 'resilience.cache.age_s': ageSeconds });
  call.span?.set({ 'resilience.cache.age_s': ageSeconds });
  call.span?.outcome('stale', reason);
  return annotate(hit.response, { source: 'cache', reason, attempts: call.attempts, ageSeconds, traceId: call.traceIds().traceId });
}

/**
 * The app's own answer when no stored copy exists (`fallback: { handler }` in the worker's
 * policy), marked `X-Resilience-Source: fallback`. A handler that throws, rejects, answers
 * something that is not a Response, or outlives the call's deadline is reported and ignored.
 */
export async function handlerAnswer(call: FallbackHost, reason: ResilienceReason): Promise<Response | undefined> {
  const fallback = call.fallback;
  if (typeof fallback !== 'object') return undefined;
  const { clock } = call.engine.deps;
  let timer: unknown;
  try {
    const answer = await Promise.race([
      Promise.resolve().then(() => fallback.handler(call.cacheKey(), reason)),
      new Promise<never>((_, reject) => {
        timer = clock.setTimeout(() => reject(new Error(`fallback handler did not answer within the call's deadline`)), Math.max(0, call.remainingMs()));
      }),
    ]);
    if (!(answer instanceof Response)) throw new TypeError(`fallback handler must return a Response, got ${String(answer)}`);
    call.span?.outcome('fallback', reason);
    return annotate(answer, { source: 'fallback', reason, attempts: call.attempts, traceId: call.traceIds().traceId });
  } catch (error) {
    reportError(error);
    call.engine.emit({ type: 'degraded', origin: originOf(call.url), at: clock.now(), component: 'fallback-handler', message: messageOf(error) });
    return undefined;
  } finally {
    clock.clearTimeout(timer);
  }
}

function isStoredCopy(hit: unknown): hit is { response: Response; storedAt: number } {
  const { response, storedAt } = (hit ?? {}) as { response?: unknown; storedAt?: unknown };
  return response instanceof Response && typeof storedAt === 'number' && Number.isFinite(storedAt);
}
