import type { CallOptions } from './types.js';
import { anything, boolean, check, fail, integer, isNumber, isObject, nonNegativeOrInfinity, oneOf, optional, positiveOrInfinity, rule, type Schema } from './validation.js';

/**
 * `init.resilience`, checked before anything is sent, like the policy: `timeoutMs: 0` would time
 * out every call and open the breaker, `deadlineMs: NaN` would remove the deadline. A deadline of
 * 0 or less is valid and means "already past" (a local rejection, not an error).
 */
const CALL_OPTIONS: { readonly [K in keyof Required<CallOptions>]: Schema[string] } = {
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

export function validateCallOptions(options: unknown): asserts options is CallOptions {
  if (!isObject(options)) fail('resilience', options, 'an object');
  check(CALL_OPTIONS, options, 'resilience');
}
