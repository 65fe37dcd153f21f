import type { CallOptions } from './types.js';
import { anything, boolean, fail, integer, isNumber, isObject, nonNegativeOrInfinity, oneOf, optional, positiveOrInfinity, rejectUnknownKeys, rule, type Rule } from './validation.js';

/**
 * `init.resilience`, checked before anything is sent, like the policy: `timeoutMs: 0` would time
 * out every call and open the breaker, `deadlineMs: NaN` would remove the deadline. A deadline of
 * 0 or less is valid and means "already past" (a local rejection, not an error).
 */
const CALL_OPTIONS: { readonly [K in keyof Required<CallOptions>]: Rule } = {
  timeoutMs: optional(positiveOrInfinity),
  deadlineMs: optional(rule(isNumber, 'a number of ms (0 or less: already past)')),
  retries: optional(integer(0)),
  fallback: optional(oneOf('cache', 'none')),
  maxStaleMs: optional(nonNegativeOrInfinity),
  staleAfterMs: optional(nonNegativeOrInfinity),
  idempotent: optional(boolean),
  bypass: optional(boolean),
  throwOnReject: optional(boolean),
  outbox: optional(boolean),
  traceContext: anything,
};

/** Every option is optional, so only the keys given are checked (this runs on every call that has options). */
export function validateCallOptions(options: unknown): asserts options is CallOptions {
  if (!isObject(options)) fail('resilience', options, 'an object');
  rejectUnknownKeys(CALL_OPTIONS, options, 'resilience');
  for (const key in options) CALL_OPTIONS[key as keyof CallOptions](options[key], `resilience.${key}`);
}
