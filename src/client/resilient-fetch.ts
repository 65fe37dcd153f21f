import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { ResilienceError } from '../core/errors.js';
import { OPTIONS_HEADER, REASON, SOURCE } from '../core/headers.js';
import { absoluteUrl, originOf } from '../core/origin.js';
import type { CallOptions, ResilienceReason, ResilientRequestInit } from '../core/types.js';
import type { WireOptions } from '../sw/options-header.js';
import type { Command } from '../sw/protocol.js';
import { pageEngine } from './page-engine.js';

/**
 * `fetch` with resilience. Through the worker when one controls the page (per-call options
 * travel in a header the worker strips); otherwise the same engine runs right here.
 */
export async function resilientFetch(input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response> {
  const controller = typeof navigator !== 'undefined' ? navigator.serviceWorker?.controller : null;
  if (!controller) return pageEngine()(input, init);

  const { resilience, ...fetchInit } = init ?? {};
  const headers = new Headers(fetchInit.headers ?? (input instanceof Request ? input.headers : undefined));
  const signal = fetchInit.signal ?? (input instanceof Request ? input.signal : undefined);
  const abortId = signal ? crypto.randomUUID() : undefined;
  headers.set(OPTIONS_HEADER, JSON.stringify({ ...wireOptions(resilience), ...(abortId ? { abortId } : {}) }));
  const onAbort = () => abortId && controller.postMessage({ type: 'abort', id: abortId } satisfies Command);
  signal?.addEventListener('abort', onAbort, { once: true });
  const method = (fetchInit.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const url = absoluteUrl(input);

  const tracer = trace.getTracer('resilient-fetch');
  const span = tracer.startSpan(method, {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': method, 'url.full': url },
  }, resilience?.traceContext ?? context.active());
  // traceparent goes to the worker only: it strips it and sends its own attempt's upstream.
  propagation.inject(trace.setSpan(context.active(), span), headers, { set: (h, k, v) => h.set(k, v) });
  try {
    const response = await fetch(input, { ...fetchInit, headers });
    span.setAttribute('http.response.status_code', response.status);
    const source = response.headers.get(SOURCE);
    if (source !== null) span.setAttribute('resilience.source', source);
    if (response.status >= 400) span.setAttributes({ 'error.type': String(response.status) });
    if (resilience?.throwOnReject === true && (source === 'synthetic' || source === 'outbox')) {
      const retryAfter = response.headers.get('Retry-After');
      const error = new ResilienceError(
        (response.headers.get(REASON) ?? 'circuit-open') as ResilienceReason,
        originOf(url),
        retryAfter !== null ? Number(retryAfter) * 1000 : undefined,
      );
      const outboxId = response.headers.get('X-Resilience-Outbox-Id'); // outbox: reason 'queued'
      throw outboxId === null ? error : Object.assign(error, { outboxId });
    }
    return response;
  } catch (error) {
    const aborted = error instanceof DOMException && error.name === 'AbortError';
    if (!aborted && !(error instanceof ResilienceError)) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
    }
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    span.end();
  }
}

/** The options that mean something to the worker (a trace context does not cross as JSON). */
function wireOptions(options: CallOptions | undefined): WireOptions {
  if (options === undefined) return {};
  const { traceContext: _context, throwOnReject: _throw, ...rest } = options;
  return rest;
}
