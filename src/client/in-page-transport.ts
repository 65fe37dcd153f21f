import { IN_PAGE_FRAGMENT } from '../sw/in-page-mark.js';

/**
 * The in-page engine's transport: `fetch`, with the URL marked (sw/in-page-mark.ts) while a
 * worker controls the page, so a worker of ours lets the request through instead of running its
 * own pipeline on it. The mark is a fragment, which the browser never sends. Uncontrolled pages
 * send the URL as it is.
 *
 * A Request whose body the engine did not buffer (over `maxBufferedBodyBytes`, or a write it
 * never retries) goes unmarked: copying it to a new URL would mean reading the whole body here,
 * and it is sent once by each side anyway.
 */
export function inPageTransport(send: typeof fetch = (input, init) => fetch(input, init)): typeof fetch {
  return (input, init) => {
    if (!(typeof navigator !== 'undefined' && navigator.serviceWorker?.controller)) return send(input, init);
    const request = input instanceof Request ? input : undefined;
    if (request !== undefined && init?.body == null && request.method !== 'GET' && request.method !== 'HEAD') return send(input, init);
    const url = String(request?.url ?? input).replace(/#.*$/s, '') + IN_PAGE_FRAGMENT;
    return send(url, request !== undefined ? { ...fieldsOf(request), ...init } : init);
  };
}

/** What a Request carries besides its URL and body (a Request is not an init: its fields are getters). */
function fieldsOf(request: Request): RequestInit {
  const { method, headers, mode, credentials, cache, redirect, referrer, referrerPolicy, integrity, keepalive, signal } = request;
  return { method, headers, mode, credentials, cache, redirect, referrer, referrerPolicy, integrity, keepalive, signal };
}
