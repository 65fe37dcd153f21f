import { SpanKind, SpanStatusCode, context, propagation, trace, type Context, type Tracer } from '@opentelemetry/api';
import { ResilienceError } from '../core/errors.js';
import { SOURCE } from '../core/headers.js';
import { redactUrl } from '../core/tracing.js';
import { spanMethod } from './http-method.js';
import { redactQuotedUrls } from './redact-quoted-urls.js';
import { serverAttributes } from './server-attributes.js';
import type { PageCallSpan } from './page-trace-hook.js';


/**
 * The page's CLIENT span for a call that goes through the worker. Its context travels to the
 * worker in `traceparent`, which the worker strips and replaces with its own attempt's. `url.full`
 * is redacted as the engine's spans are: page spans go to the same collector.
 */
export function startPageCallSpan(tracer: Tracer, redacted: ReadonlySet<string>, method: string, url: string, headers: Headers, parent: Context | undefined): PageCallSpan {
  const { name, attributes } = spanMethod(method);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes: { ...attributes, 'url.full': redactUrl(url, redacted), ...serverAttributes(url) } }, parent ?? context.active());
  propagation.inject(trace.setSpan(context.active(), span), headers, { set: (h, k, v) => h.set(k, v) });
  return {
    end(response, error) {
      if (response !== undefined) {
        span.setAttribute('http.response.status_code', response.status);
        const source = response.headers.get(SOURCE);
        if (source !== null) span.setAttribute('resilience.source', source);
        // HTTP client conventions: a 4xx or 5xx answer makes a CLIENT span an error.
        if (response.status >= 400) {
          span.setAttribute('error.type', String(response.status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
      } else if (error !== undefined && !isAbort(error) && !(error instanceof ResilienceError)) {
        // fetch quotes the URL whole in some errors (a URL with user:pass@ is refused that way).
        const message = redactQuotedUrls(error instanceof Error ? error.message : String(error), (quoted) => redactUrl(quoted, redacted));
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
      }
      span.end();
    },
  };
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
