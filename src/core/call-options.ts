import type { CallOptions } from './types.js';
import { boolean, fail, integer, isNumber, isObject, nonNegative, oneOf, positive, rejectUnknownKeys } from './validation.js';

const KNOWN: readonly (keyof CallOptions)[] = [
  'timeoutMs', 'deadlineMs', 'retries', 'fallback', 'maxStaleMs', 'staleAfterMs',
  'idempotent', 'bypass', 'throwOnReject', 'outbox', 'traceContext',
];

/**
 * Checks `init.resilience` before anything is sent, like the policy: `timeoutMs: 0` would time
 * out every call and open the breaker, `deadlineMs: NaN` would remove the deadline. A deadline of
 * 0 or less is valid and means "already past" (a local rejection, not an error).
 */
export function validateCallOptions(options: unknown): asserts options is CallOptions {
  if (!isObject(options)) fail('resilience', options, 'an object');
  rejectUnknownKeys(options, KNOWN, 'resilience');
  const o = options as Record<keyof CallOptions, unknown>;
  if (o.timeoutMs !== undefined) positive('resilience.timeoutMs', o.timeoutMs, { allowInfinity: true });
  if (o.deadlineMs !== undefined && !isNumber(o.deadlineMs)) fail('resilience.deadlineMs', o.deadlineMs, 'a number of ms (0 or less: already past)');
  if (o.retries !== undefined) integer('resilience.retries', o.retries, 0);
  if (o.fallback !== undefined) oneOf('resilience.fallback', o.fallback, ['cache', 'none']);
  if (o.maxStaleMs !== undefined) nonNegative('resilience.maxStaleMs', o.maxStaleMs, { allowInfinity: true });
  if (o.staleAfterMs !== undefined) nonNegative('resilience.staleAfterMs', o.staleAfterMs, { allowInfinity: true });
  for (const flag of ['idempotent', 'bypass', 'throwOnReject', 'outbox'] as const) {
    if (o[flag] !== undefined) boolean(`resilience.${flag}`, o[flag]);
  }
}
