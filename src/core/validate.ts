import { DEFAULT_POLICY } from './defaults.js';
import type { OriginPolicy } from './types.js';

/**
 * Checks a fully merged policy. Every message names the field and the bad value, because a
 * config usually arrives from far away (a page message, a JSON file) and "invalid config"
 * alone sends the user hunting.
 */
export function validatePolicy(policy: OriginPolicy, path: string): void {
  rejectUnknownKeys(policy, DEFAULT_POLICY, path);
  const at = (field: string) => `${path}.${field}`;

  positive(at('timeoutMs'), policy.timeoutMs, { allowInfinity: true });
  positive(at('deadlineMs'), policy.deadlineMs, { allowInfinity: true });
  oneOf(at('fallback'), policy.fallback, ['cache', 'none']);
  nonNegative(at('maxStaleMs'), policy.maxStaleMs, { allowInfinity: true });

  const b = policy.breaker;
  positive(at('breaker.windowMs'), b.windowMs);
  integer(at('breaker.minimumCalls'), b.minimumCalls, 1);
  fraction(at('breaker.failureRateThreshold'), b.failureRateThreshold);
  positive(at('breaker.slowCallMs'), b.slowCallMs, { allowInfinity: true });
  fraction(at('breaker.slowCallRateThreshold'), b.slowCallRateThreshold);
  positive(at('breaker.openMs'), b.openMs);
  positive(at('breaker.maxOpenMs'), b.maxOpenMs);
  if (b.maxOpenMs < b.openMs) {
    fail(at('breaker.maxOpenMs'), b.maxOpenMs, `at least breaker.openMs (${b.openMs})`);
  }
  integer(at('breaker.halfOpenProbes'), b.halfOpenProbes, 1);

  integer(at('concurrency.maxInFlight'), policy.concurrency.maxInFlight, 1);
  integer(at('concurrency.maxQueue'), policy.concurrency.maxQueue, 0);

  const r = policy.retry;
  integer(at('retry.maxRetries'), r.maxRetries, 0);
  nonNegative(at('retry.baseDelayMs'), r.baseDelayMs);
  nonNegative(at('retry.maxDelayMs'), r.maxDelayMs);
  if (r.maxDelayMs < r.baseDelayMs) {
    fail(at('retry.maxDelayMs'), r.maxDelayMs, `at least retry.baseDelayMs (${r.baseDelayMs})`);
  }
  oneOf(at('retry.jitter'), r.jitter, ['full', 'decorrelated', 'none']);
  if (!Array.isArray(r.retryOnStatus)) fail(at('retry.retryOnStatus'), r.retryOnStatus, 'an array of HTTP status codes');
  r.retryOnStatus.forEach((status, i) => integer(at(`retry.retryOnStatus[${i}]`), status, 100, 599));
  nonNegative(at('retry.maxRetryAfterMs'), r.maxRetryAfterMs);
  nonNegative(at('retry.budgetRatio'), r.budgetRatio);
  nonNegative(at('retry.budgetMinPerSecond'), r.budgetMinPerSecond);
  integer(at('retry.maxBufferedBodyBytes'), r.maxBufferedBodyBytes, 0);

  if (policy.rateLimit !== false) {
    if (!isObject(policy.rateLimit)) fail(at('rateLimit'), policy.rateLimit, 'false or { perSecond, burst }');
    positive(at('rateLimit.perSecond'), policy.rateLimit.perSecond);
    integer(at('rateLimit.burst'), policy.rateLimit.burst, 1);
  }
  if (policy.throttle !== false) {
    if (!isObject(policy.throttle)) fail(at('throttle'), policy.throttle, 'false or { k, windowMs }');
    positive(at('throttle.k'), policy.throttle.k);
    positive(at('throttle.windowMs'), policy.throttle.windowMs);
  }
}

function rejectUnknownKeys(value: object, shape: object, path: string): void {
  for (const [key, child] of Object.entries(value)) {
    if (!(key in shape)) {
      throw new TypeError(`${path}.${key} is not a known option (known: ${Object.keys(shape).join(', ')})`);
    }
    const expected: unknown = (shape as Record<string, unknown>)[key];
    if (isObject(child) && isObject(expected)) rejectUnknownKeys(child, expected, `${path}.${key}`);
    // rateLimit and throttle default to false, so their object shape is checked field by field.
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function fail(field: string, value: unknown, expected: string): never {
  throw new TypeError(`${field} must be ${expected}, got ${show(value)}`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

function positive(field: string, value: unknown, opts: { allowInfinity?: boolean } = {}): void {
  if (!isNumber(value) || value <= 0 || (!opts.allowInfinity && !Number.isFinite(value))) {
    fail(field, value, opts.allowInfinity ? 'a number > 0 (Infinity allowed)' : 'a finite number > 0');
  }
}

function nonNegative(field: string, value: unknown, opts: { allowInfinity?: boolean } = {}): void {
  if (!isNumber(value) || value < 0 || (!opts.allowInfinity && !Number.isFinite(value))) {
    fail(field, value, 'a finite number >= 0');
  }
}

function fraction(field: string, value: unknown): void {
  if (!isNumber(value) || value <= 0 || value > 1) fail(field, value, 'a number in (0, 1]');
}

function integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(field, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
  }
}

function oneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(field, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
}
