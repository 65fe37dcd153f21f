/**
 * The delay a server asked for, in ms: `Retry-After` (delta-seconds or an HTTP-date) or
 * `RateLimit-Reset` (delta-seconds, IETF RateLimit header fields). Undefined when absent or
 * unreadable, so a garbled header falls back to our own backoff.
 */
export function serverDelayMs(headers: Headers, now: number): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null) {
    const value = retryAfter.trim();
    if (/^\d+$/.test(value)) return Number(value) * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && /^\d+$/.test(reset.trim())) return Number(reset.trim()) * 1000;
  return undefined;
}
