import type { Attributes } from '@opentelemetry/api';

/** The methods semconv 1.45 names in `http.request.method`; any other is `_OTHER`. */
const KNOWN_METHOD = /^(?:CONNECT|DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT|QUERY|TRACE)$/;

export interface SpanMethod {
  /** What the span name uses: the method, or `HTTP` for an unknown one. */
  name: string;
  /** `http.request.method`, plus `http.request.method_original` for an unknown one. */
  attributes: Attributes;
}

/**
 * A method as the HTTP semantic conventions want it in spans. Methods are free-form strings:
 * naming spans after each one would let an app (or a bug) create a span name per value, which
 * backends index, hence `_OTHER` and the name `HTTP`.
 */
export function spanMethod(method: string): SpanMethod {
  if (KNOWN_METHOD.test(method)) return { name: method, attributes: { 'http.request.method': method } };
  return { name: 'HTTP', attributes: { 'http.request.method': '_OTHER', 'http.request.method_original': method } };
}
