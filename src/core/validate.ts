import type { OriginPolicy } from './types.js';
import {
  boolean, check, fail, falseOr, fraction, integer, isNumber, isObject, listOf, nonNegative, nonNegativeOrInfinity, oneOf,
  optional, positive, positiveOrInfinity, rule, type Rule, type Schema,
} from './validation.js';

/** `'cache'`, `'none'`, or `{ cache?, handler }` (a handler is code: the worker's own policy only). */
const fallback: Rule = (value, field) => {
  if (!isObject(value)) return oneOf('cache', 'none')(value, field);
  check({ cache: optional(boolean), handler: rule((v) => typeof v === 'function', "a function (request, reason) => Response (set in the worker's own policy)") }, value, field);
};

/** Every field of a merged policy, in the order of DEFAULT_POLICY (unknown-key messages list them so). */
const POLICY: Schema = {
  timeoutMs: positiveOrInfinity,
  deadlineMs: positiveOrInfinity,
  fallback,
  maxStaleMs: nonNegativeOrInfinity,
  staleAfterMs: nonNegativeOrInfinity,
  breaker: {
    windowMs: positive,
    minimumCalls: integer(1),
    failureRateThreshold: fraction,
    slowCallMs: positiveOrInfinity,
    slowCallRateThreshold: fraction,
    openMs: positive,
    maxOpenMs: positive,
    halfOpenProbes: integer(1),
  },
  concurrency: { maxInFlight: integer(1), maxQueue: integer(0) },
  retry: {
    maxRetries: integer(0),
    baseDelayMs: nonNegative,
    maxDelayMs: nonNegative,
    jitter: oneOf('full', 'decorrelated', 'none'),
    retryOnStatus: listOf(integer(100, 599), 'an array of HTTP status codes'),
    maxRetryAfterMs: nonNegative,
    budgetRatio: nonNegative,
    budgetReserve: nonNegative,
    maxBufferedBodyBytes: integer(0),
  },
  rateLimit: falseOr({ perSecond: positive, burst: integer(1) }),
  // k below 1 refuses calls to a backend that accepts them all (k 0.5: about half of them).
  throttle: falseOr({ k: rule((v) => isNumber(v) && v >= 1 && v < Infinity, 'a finite number >= 1'), windowMs: positive, minimumRequests: optional(integer(0)) }),
  outbox: falseOr(
    {
      methods: rule((v) => Array.isArray(v) && v.every((m) => typeof m === 'string' && m !== ''), 'an array of HTTP methods'),
      maxEntries: integer(1),
      maxBytes: integer(1),
      maxAgeMs: positiveOrInfinity,
    },
    'false, true or { methods, maxEntries, maxBytes, maxAgeMs }',
  ),
};

/** Checks a fully merged policy; every message names the field and the bad value. */
export function validatePolicy(policy: OriginPolicy, path: string): void {
  check(POLICY, policy as unknown as Record<string, unknown>, path);
  const { breaker, retry } = policy;
  if (breaker.maxOpenMs < breaker.openMs) fail(`${path}.breaker.maxOpenMs`, breaker.maxOpenMs, `at least breaker.openMs (${breaker.openMs})`);
  if (retry.maxDelayMs < retry.baseDelayMs) fail(`${path}.retry.maxDelayMs`, retry.maxDelayMs, `at least retry.baseDelayMs (${retry.baseDelayMs})`);
}
