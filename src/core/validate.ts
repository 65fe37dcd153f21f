import { DEFAULT_POLICY } from './defaults.js';
import type { OriginPolicy } from './types.js';
import { boolean, fail, fraction, integer, isObject, nonNegative, oneOf, positive, rejectUnknownKeys } from './validation.js';

/** Checks a fully merged policy; every message names the field and the bad value. */
export function validatePolicy(policy: OriginPolicy, path: string): void {
  rejectUnknownKeysDeep(policy, DEFAULT_POLICY, path);
  const at = (field: string) => `${path}.${field}`;

  positive(at('timeoutMs'), policy.timeoutMs, { allowInfinity: true });
  positive(at('deadlineMs'), policy.deadlineMs, { allowInfinity: true });
  validateFallback(at('fallback'), policy.fallback);
  nonNegative(at('maxStaleMs'), policy.maxStaleMs, { allowInfinity: true });
  nonNegative(at('staleAfterMs'), policy.staleAfterMs, { allowInfinity: true });

  const b = policy.breaker;
  positive(at('breaker.windowMs'), b.windowMs);
  integer(at('breaker.minimumCalls'), b.minimumCalls, 1);
  fraction(at('breaker.failureRateThreshold'), b.failureRateThreshold);
  positive(at('breaker.slowCallMs'), b.slowCallMs, { allowInfinity: true });
  fraction(at('breaker.slowCallRateThreshold'), b.slowCallRateThreshold);
  positive(at('breaker.openMs'), b.openMs);
  positive(at('breaker.maxOpenMs'), b.maxOpenMs);
  if (b.maxOpenMs < b.openMs) fail(at('breaker.maxOpenMs'), b.maxOpenMs, `at least breaker.openMs (${b.openMs})`);
  integer(at('breaker.halfOpenProbes'), b.halfOpenProbes, 1);

  integer(at('concurrency.maxInFlight'), policy.concurrency.maxInFlight, 1);
  integer(at('concurrency.maxQueue'), policy.concurrency.maxQueue, 0);

  const r = policy.retry;
  integer(at('retry.maxRetries'), r.maxRetries, 0);
  nonNegative(at('retry.baseDelayMs'), r.baseDelayMs);
  nonNegative(at('retry.maxDelayMs'), r.maxDelayMs);
  if (r.maxDelayMs < r.baseDelayMs) fail(at('retry.maxDelayMs'), r.maxDelayMs, `at least retry.baseDelayMs (${r.baseDelayMs})`);
  oneOf(at('retry.jitter'), r.jitter, ['full', 'decorrelated', 'none']);
  if (!Array.isArray(r.retryOnStatus)) fail(at('retry.retryOnStatus'), r.retryOnStatus, 'an array of HTTP status codes');
  r.retryOnStatus.forEach((status, i) => integer(at(`retry.retryOnStatus[${i}]`), status, 100, 599));
  nonNegative(at('retry.maxRetryAfterMs'), r.maxRetryAfterMs);
  nonNegative(at('retry.budgetRatio'), r.budgetRatio);
  nonNegative(at('retry.budgetMinPerSecond'), r.budgetMinPerSecond);
  integer(at('retry.maxBufferedBodyBytes'), r.maxBufferedBodyBytes, 0);

  if (policy.rateLimit !== false) {
    if (!isObject(policy.rateLimit)) fail(at('rateLimit'), policy.rateLimit, 'false or { perSecond, burst }');
    rejectUnknownKeys(policy.rateLimit, ['perSecond', 'burst'], at('rateLimit'));
    positive(at('rateLimit.perSecond'), policy.rateLimit.perSecond);
    integer(at('rateLimit.burst'), policy.rateLimit.burst, 1);
  }
  if (policy.throttle !== false) {
    if (!isObject(policy.throttle)) fail(at('throttle'), policy.throttle, 'false or { k, windowMs, minimumRequests }');
    rejectUnknownKeys(policy.throttle, ['k', 'windowMs', 'minimumRequests'], at('throttle'));
    positive(at('throttle.k'), policy.throttle.k);
    positive(at('throttle.windowMs'), policy.throttle.windowMs);
    integer(at('throttle.minimumRequests'), policy.throttle.minimumRequests ?? 10, 0);
  }
  if (policy.outbox !== false) {
    const o = policy.outbox;
    if (!isObject(o)) fail(at('outbox'), o, 'false, true or { methods, maxEntries, maxBytes, maxAgeMs }');
    rejectUnknownKeys(o, ['methods', 'maxEntries', 'maxBytes', 'maxAgeMs'], at('outbox'));
    if (!Array.isArray(o.methods) || o.methods.some((m) => typeof m !== 'string' || m === '')) fail(at('outbox.methods'), o.methods, 'an array of HTTP methods');
    integer(at('outbox.maxEntries'), o.maxEntries, 1);
    integer(at('outbox.maxBytes'), o.maxBytes, 1);
    positive(at('outbox.maxAgeMs'), o.maxAgeMs, { allowInfinity: true });
  }
}

function validateFallback(field: string, fallback: unknown): void {
  if (!isObject(fallback)) return oneOf(field, fallback, ['cache', 'none']);
  rejectUnknownKeys(fallback, ['cache', 'handler'], field);
  if (typeof fallback.handler !== 'function') fail(`${field}.handler`, fallback.handler, 'a function (request, reason) => Response (set in the worker\'s own policy)');
  if (fallback.cache !== undefined) boolean(`${field}.cache`, fallback.cache);
}

function rejectUnknownKeysDeep(value: object, shape: object, path: string): void {
  rejectUnknownKeys(value, Object.keys(shape), path);
  for (const [key, child] of Object.entries(value)) {
    const expected: unknown = (shape as Record<string, unknown>)[key];
    // Fields whose default is false or a string (rateLimit, throttle, outbox, fallback) are checked field by field.
    if (isObject(child) && isObject(expected)) rejectUnknownKeysDeep(child, expected, `${path}.${key}`);
  }
}
