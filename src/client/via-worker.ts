import { ResilienceError } from '../core/errors.js';
import { CALL_ERROR, FINAL_URL, OPTIONS_HEADER, OUTBOX_ID, REASON, SOURCE } from '../core/headers.js';
import { absoluteUrl } from '../core/absolute-url.js';
import type { ResilienceReason, ResilientRequestInit } from '../core/types.js';
import type { Command } from '../sw/protocol.js';
import { pageTraceHook } from '../telemetry/page-trace-hook.js';

/**
 * A call through our worker: per-call options travel in a header the worker strips, an abort
 * travels as a message (Chromium does not abort the worker's request for us), and the page's
 * span context travels in `traceparent` when the app set up page tracing.
 */
export async function viaWorker(worker: ServiceWorker, input: RequestInfo | URL, init: ResilientRequestInit | undefined): Promise<Response> {
  const { resilience, ...fetchInit } = init ?? {};
  const request = input instanceof Request ? input : undefined;
  const headers = new Headers(fetchInit.headers ?? request?.headers);
  const signal = fetchInit.signal ?? request?.signal;
  const abortId = signal ? crypto.randomUUID() : undefined;
  // JSON leaves out an undefined abortId, and writes Infinity as null, which the worker refused:
  // ±1e308 means the same to every option (no timeout, no deadline or one long past, any age).
  // What crosses is what the worker reads (WireOptions): a trace context does not cross as JSON,
  // and throwOnReject is the page's to apply. (Left out by the replacer, not a destructuring
  // helper: 11 B less on the page entry, which pays for the redirected URL below.)
  headers.set(OPTIONS_HEADER, JSON.stringify({ ...resilience, abortId }, (key, v) => (key === 'traceContext' || key === 'throwOnReject' ? undefined : Math.abs(v) === Infinity ? Math.sign(v) * 1e308 : v)));
  const onAbort = () => abortId && worker.postMessage({ type: 'abort', id: abortId } satisfies Command);
  signal?.addEventListener('abort', onAbort, { once: true });
  const url = absoluteUrl(input);
  const method = (fetchInit.method ?? request?.method ?? 'GET').toUpperCase();
  const span = pageTraceHook()?.startCall(method, url, headers, resilience?.traceContext);
  let response: Response | undefined;
  let error: unknown;
  try {
    response = await fetch(input, { ...fetchInit, headers });
    // The call failed in the worker (`name:message`, see CALL_ERROR): thrown as the engine throws it here.
    const [name, message] = response.headers.get(CALL_ERROR)?.split(':') ?? [];
    if (message !== undefined) throw name === 'TypeError' ? new TypeError(decodeURIComponent(message)) : new DOMException(decodeURIComponent(message), name);
    // A redirected answer the worker rebuilt (a retry, a stored copy): the browser gave it the request's URL.
    const finalUrl = response.headers.get(FINAL_URL);
    if (finalUrl !== null) Object.defineProperties(response, { url: { value: finalUrl }, redirected: { value: true } });
    const source = response.headers.get(SOURCE);
    if (resilience?.throwOnReject === true && (source === 'synthetic' || source === 'outbox')) throw rejectionOf(response, url);
    return response;
  } catch (e) {
    // WebKit's fetch rejects with its own AbortError ('Fetch is aborted', WebKitGTK 2.50) whatever
    // the signal's reason: the app gets its reason (an AbortSignal.timeout()'s TimeoutError), as
    // from fetch in Chromium and Firefox and from the in-page engine.
    error = signal?.aborted ? signal.reason : e;
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    span?.end(response, error);
  }
}

function rejectionOf(response: Response, url: string): ResilienceError {
  const retryAfter = response.headers.get('Retry-After');
  // `new URL`, not the engine's cached `originOf`: a rejection is rare, and the page saves its bytes.
  const error = new ResilienceError((response.headers.get(REASON) ?? 'circuit-open') as ResilienceReason, new URL(url).origin, retryAfter !== null ? Number(retryAfter) * 1000 : undefined);
  const outboxId = response.headers.get(OUTBOX_ID); // outbox: a queued write (reason 'queued') carries its id
  return outboxId === null ? error : Object.assign(error, { outboxId });
}

