import { parseHttpDate } from './http-date.js';
import { rateLimitDelayMs } from './rate-limit-headers.js';

/**
 * The delay a server asked for, in ms, or undefined when it asked for none we can read (a
 * garbled header falls back to our own backoff). Precedence, most explicit first:
 *
 * 1. `Retry-After`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), the server's instruction
 *    for this response. An unreadable one is skipped, not obeyed as zero.
 * 2. `RateLimit` (with `RateLimit-Policy`), then the older `RateLimit-Reset`: a wait only when
 *    a quota is used up (`r=0`, or `RateLimit-Remaining: 0`). A readable `RateLimit` field is
 *    the server's current word: when it says quota remains, older fields are not consulted.
 * 3. `X-RateLimit-Reset` (seconds, or an epoch timestamp), again only when no requests remain.
 */
export function serverDelayMs(headers: Headers, now: number): number | undefined {
  const retryAfter = retryAfterMs(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  return rateLimitDelayMs(headers, now);
}

/** `Retry-After` in ms: delta-seconds, or the time until an HTTP-date (0 once it has passed). */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = parseHttpDate(trimmed, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}
