// Importing context-zone also imports zone.js, which patches the page's globals (Promise, timers,
// event listeners) when this module is evaluated. That is why the worker never imports this file
// (see ./worker.ts), and why this module should be imported early in the page.
import { ZoneContextManager } from '@opentelemetry/context-zone';
import type { Attributes, Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { redactedParams } from '../core/tracing.js';
import { BOUNDED_BATCH_DEFAULTS } from './bounded-batch-processor.js';
import { exporterRequests, resolveEndpoint } from './exporter-endpoint.js';
import { flushWhenHidden } from './flush-when-hidden.js';
import { createOtlpExporter } from './otlp-exporter.js';
import { startPageCallSpan } from './page-call-span.js';
import { engineTracing } from './engine-tracing.js';
import { setPageTraceHook, type PageCallSpan } from './page-trace-hook.js';
import { matchesPropagateTo, type PropagateTo } from './propagate-to.js';
import { runtimeLocation } from './runtime-location.js';
import { serviceResource } from './service-resource.js';
import { settleWithin } from './settle-within.js';
import { checkTracingOptions, PAGE_FIELDS } from './tracing-options.js';

export interface PageTracingOptions {
  /** `service.name` of the page's spans (e.g. `shop-web`). */
  serviceName: string;
  /**
   * Full OTLP/HTTP traces URL, `/v1/traces` included (e.g. `https://collector.example/v1/traces`);
   * relative URLs resolve against the page. A cross-origin collector must allow CORS for
   * `POST` with `Content-Type: application/json`. Give the worker the same endpoint so its router
   * leaves these requests alone.
   */
  endpoint: string;
  /** Origins/URLs besides the page's own that may receive `traceparent`. (none) */
  propagateTo?: PropagateTo;
  /** Extra resource attributes (e.g. `deployment.environment.name`, `service.version`). (none) */
  resourceAttributes?: Attributes;
  /** Ended spans held for export; more are dropped. (2048) */
  maxQueueSize?: number;
  /** Spans per export request. (512) */
  maxExportBatchSize?: number;
  /** How often queued spans are exported, in ms. (5000) */
  scheduledDelayMillis?: number;
  /** Longest an export may take, in ms. (5000) */
  exportTimeoutMillis?: number;
  /** Replaces the OTLP exporter (tests, another protocol). (OTLP/HTTP JSON to `endpoint`) */
  exporter?: SpanExporter;
  /** Query parameters whose values are redacted in the page's spans, added to the built-in list (token, key, password, ...). (none) */
  redactQueryParams?: string[];
}

export interface PageTracing {
  provider: WebTracerProvider;
  tracer: Tracer;
  /** The resolved OTLP endpoint. */
  endpoint: string;
  /** Whether a request to `url` may carry `traceparent`: the page's own origin, plus `propagateTo`. */
  propagate(url: URL): boolean;
  /** Whether `url` is the OTLP endpoint. */
  isExporterRequest(url: URL | string): boolean;
  /** Exports everything queued. Never rejects. */
  flush(): Promise<void>;
  /** Flushes, stops exporting and removes the page listeners. Never rejects. */
  shutdown(): Promise<void>;
}

const UNTRACED: PageCallSpan = { end: () => undefined };

/**
 * Tracing for the page: a `WebTracerProvider` registered globally with the `ZoneContextManager`
 * (so `context.active()` follows callbacks, timers and event listeners) and the W3C trace-context
 * propagator, exporting over OTLP/HTTP through a `BatchSpanProcessor` that also flushes when the
 * page is hidden.
 *
 * Zone.js cannot follow native `async`/`await` (ES2017+ output awaits the engine's own Promise,
 * not the patched global one): the active context is lost after the first `await` in an async
 * function. Read `context.active()` before awaiting, or pass the context explicitly.
 */
export function setupPageTracing(options: PageTracingOptions): PageTracing {
  checkTracingOptions(options, PAGE_FIELDS, 'setupPageTracing');
  const endpoint = resolveEndpoint(options.endpoint);
  const propagateTo = options.propagateTo ?? [];
  const exportTimeoutMillis = options.exportTimeoutMillis ?? BOUNDED_BATCH_DEFAULTS.exportTimeoutMillis;
  const ownOrigin = runtimeLocation()?.origin;

  const exporter = options.exporter ?? createOtlpExporter(endpoint, exportTimeoutMillis);
  const processor = new BatchSpanProcessor(exporter, {
    maxQueueSize: options.maxQueueSize ?? BOUNDED_BATCH_DEFAULTS.maxQueueSize,
    maxExportBatchSize: Math.min(options.maxExportBatchSize ?? BOUNDED_BATCH_DEFAULTS.maxExportBatchSize, options.maxQueueSize ?? BOUNDED_BATCH_DEFAULTS.maxQueueSize),
    scheduledDelayMillis: options.scheduledDelayMillis ?? 5000,
    exportTimeoutMillis,
    // Replaced by flushWhenHidden below (see there why).
    disableAutoFlushOnDocumentHide: true,
  });
  // sdk-trace-web 2.x: processors go in the constructor (addSpanProcessor() was removed).
  const provider = new WebTracerProvider({
    resource: serviceResource(options.serviceName, options.resourceAttributes),
    spanProcessors: [processor],
  });
  provider.register({ contextManager: new ZoneContextManager(), propagator: new W3CTraceContextPropagator() });

  // provider.forceFlush() rejects when a processor fails or times out; telemetry must never
  // become an app error, so flush and shutdown swallow it. The margin lets the processor's own
  // export timeout fire first.
  const flush = (): Promise<void> => provider.forceFlush({ timeoutMillis: exportTimeoutMillis + 1000 }).catch(() => undefined);
  const stopListening = flushWhenHidden(() => void flush());
  const tracer = provider.getTracer('resilient-fetch');
  // The exporter's own POSTs reach resilientFetch when an app swaps window.fetch for it: traced,
  // each export would carry a span about the one before, one more export every scheduledDelay, forever.
  const isExport = exporterRequests(endpoint);
  const propagate = (url: URL): boolean => !isExport(url) && ((ownOrigin !== undefined && url.origin === ownOrigin) || matchesPropagateTo(url, propagateTo));
  // resilientFetch traces (and sends traceparent) only once this hook is set.
  const redacted = redactedParams(options.redactQueryParams);
  setPageTraceHook({
    tracing: engineTracing(tracer, options.redactQueryParams, isExport),
    propagate,
    startCall: (method, url, headers, parent) => (isExport(url) ? UNTRACED : startPageCallSpan(tracer, redacted, method, url, headers, parent)),
  });

  return {
    provider,
    tracer,
    endpoint,
    propagate,
    isExporterRequest: isExport,
    flush,
    shutdown: async () => {
      stopListening();
      setPageTraceHook(undefined);
      // Bounded: the processor flushes, then the exporter waits for its pending requests.
      await settleWithin(provider.shutdown(), 2 * exportTimeoutMillis + 1000);
    },
  };
}
