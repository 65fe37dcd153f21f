import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * OTLP/HTTP (JSON) exporter for `url`, the full traces URL. In browsers and workers the
 * exporter's transport is `fetch` (with `keepalive` while the pending payloads stay under the
 * browser's 64 KiB keepalive budget), so it works in a service worker, which has neither
 * XMLHttpRequest nor sendBeacon. `timeoutMillis` bounds the whole export, its internal retries
 * included, so an unreachable collector releases the request after that long.
 */
export function createOtlpExporter(url: string, timeoutMillis: number): SpanExporter {
  return new OTLPTraceExporter({ url, timeoutMillis });
}
