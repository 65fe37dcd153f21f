/**
 * What a call that ran out of time rejects with: a TimeoutError, as fetch's with AbortSignal.timeout.
 * A module of its own, not errors.ts: the page imports errors.ts (ResilienceError), and a Vite app
 * building page and worker together ships the page whole modules it shares with the worker.
 */
export function callTimedOut(safeUrl: string, reason: string): DOMException {
  return new DOMException(`resilient-fetch: ${safeUrl} timed out (${reason})`, 'TimeoutError');
}
