import { SpanKind, SpanStatusCode, propagation, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';

/** Query parameters whose values never leave in a span (extend with `redactQueryParams`). */
export const DEFAULT_REDACTED_PARAMS = ['token', 'access_token', 'id_token', 'api_key', 'apikey', 'key', 'sig', 'signature', 'password', 'secret', 'code'];

/** `url.full` without credentials and with sensitive query values replaced, per the semconv. */
export function redactUrl(url: string, params: ReadonlySet<string>): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = 'REDACTED';
    parsed.password = 'REDACTED';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (params.has(name.toLowerCase())) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.href;
}

export function startCallSpan(tracer: Tracer, parent: Context, method: string, fullUrl: string): { span: Span; context: Context } {
  const span = tracer.startSpan(
    `resilientFetch ${method}`,
    { kind: SpanKind.INTERNAL, attributes: { 'http.request.method': method, 'url.full': fullUrl } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function startAttemptSpan(tracer: Tracer, parent: Context, method: string, url: string, fullUrl: string, resendCount: number): Span {
  const parsed = new URL(url);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.full': fullUrl,
    'server.address': parsed.hostname,
    'server.port': parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
  };
  if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
  return tracer.startSpan(method, { kind: SpanKind.CLIENT, attributes }, parent);
}

/** Ends an attempt span the way the HTTP client conventions say: 4xx/5xx and errors are errors. */
export function endAttemptSpan(span: Span, status: number | undefined, errorType: string | undefined): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const type = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (type !== undefined) {
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

/** Writes `traceparent` (and whatever else the registered propagator writes) into `headers`. */
export function injectTraceContext(ctx: Context, headers: Headers): void {
  propagation.inject(ctx, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
