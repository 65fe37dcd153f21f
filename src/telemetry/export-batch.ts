import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * Hands one batch to the exporter and settles with whether it was accepted. Never rejects and
 * never waits longer than `timeoutMillis`: a collector that is down or hangs must not hold a
 * service worker's `waitUntil` open, nor surface as an error in the app. On timeout the exporter's
 * own request may still be running; its late result is ignored (the OTLP exporter aborts it at
 * its own `timeoutMillis`).
 */
export function exportBatch(exporter: SpanExporter, spans: ReadableSpan[], timeoutMillis: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMillis);
    try {
      // Suppressed so that an instrumented fetch (if someone adds one) does not trace the export itself.
      context.with(suppressTracing(context.active()), () => {
        exporter.export(spans, (result) => finish(result.code === ExportResultCode.SUCCESS));
      });
    } catch {
      // An exporter that throws instead of calling back counts as a failed export, not an app error.
      finish(false);
    }
  });
}
