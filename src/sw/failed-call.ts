import { CALL_ERROR, SOURCE } from '../core/headers.js';

/**
 * The worker's answer to a call from our page client that failed here: the error's name and
 * message in CALL_ERROR, for the page to throw again (client/via-worker.ts). What the engine
 * rejects with crosses: a TypeError (invalid options, a network failure) or a DOMException (a
 * TimeoutError), both of which the page can rebuild. Anything else is rethrown, and reaches the
 * page as the network error fetch gives.
 */
export function failedCallAnswer(error: unknown, status?: number): Response {
  if (!(error instanceof TypeError || error instanceof DOMException)) throw error;
  // Seen only in devtools (the page throws): a gateway's status for what the engine met upstream.
  status ??= error.name === 'TimeoutError' ? 504 : 502;
  return new Response(null, { status, headers: { [SOURCE]: 'synthetic', [CALL_ERROR]: `${error.name}:${encodeURIComponent(error.message)}` } });
}
