import type { Attributes, Context, Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { TracingPort } from './types.js';

// The enum values of @opentelemetry/api, written out so core needs the package for types only.
const INTERNAL = 0 as SpanKind;
const CLIENT = 2 as SpanKind;
export const STATUS_ERROR = 2 as SpanStatusCode;

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

export function startCallSpan(port: TracingPort, parent: Context, method: string, fullUrl: string): { span: Span; context: Context } {
  const span = port.tracer.startSpan(
    `resilientFetch ${method}`,
    { kind: INTERNAL, attributes: { 'http.request.method': method, 'url.full': fullUrl } },
    parent,
  );
  return { span, context: port.withSpan(parent, span) };
}

export function startAttemptSpan(port: TracingPort, parent: Context, method: string, url: string, fullUrl: string, resendCount: number): Span {
  const parsed = new URL(url);
  const attributes: Attributes = {
    'http.request.method': method,
    'url.full': fullUrl,
    'server.address': parsed.hostname,
    'server.port': parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
  };
  if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
  return port.tracer.startSpan(method, { kind: CLIENT, attributes }, parent);
}

/** Ends an attempt span the way the HTTP client conventions say: 4xx/5xx and errors are errors. */
export function endAttemptSpan(span: Span, status: number | undefined, errorType: string | undefined): void {
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const type = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (type !== undefined) {
    span.setAttribute('error.type', type);
    span.setStatus({ code: STATUS_ERROR });
  }
  span.end();
}
