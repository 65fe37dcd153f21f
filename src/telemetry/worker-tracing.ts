import { engineTracing } from './engine-tracing.js';
import type { TracingPort } from '../core/types.js';
import { propagation, type Attributes, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BOUNDED_BATCH_DEFAULTS, BoundedBatchSpanProcessor } from './bounded-batch-processor.js';
import { exporterRequests, resolveEndpoint } from './exporter-endpoint.js';
import { createOtlpExporter } from './otlp-exporter.js';
import { matchesPropagateTo, type PropagateTo } from './propagate-to.js';
import { runtimeLocation } from './runtime-location.js';
import { serviceResource } from './service-resource.js';
import { checkTracingOptions, WORKER_FIELDS } from './tracing-options.js';

export interface WorkerTracingOptions {
  /** `service.name` of the worker's spans (e.g. `shop-sw`; the page usually has its own). */
  serviceName: string;
  /**
   * Full OTLP/HTTP traces URL, `/v1/traces` included (e.g. `https://collector.example/v1/traces`);
   * relative URLs resolve against the worker's location. Requests to it must not be routed
   * through the pipeline: pass `isExporterRequest` or `endpoint` to the worker's router.
   */
  endpoint: string;
  /** Origins/URLs besides the worker's own that may receive `traceparent`. (none) */
  propagateTo?: PropagateTo;
  /** Ended spans held for export; more are dropped and counted. (2048) */
  maxQueueSize?: number;
  /** Spans per export; a full batch exports without waiting for `flush()`. (512) */
  maxExportBatchSize?: number;
  /** Longest an export (and so a flush, per batch) may take, in ms. (5000) */
  exportTimeoutMillis?: number;
  /**
   * Least time between exports under steady traffic, in ms: measured in bench:sw, one OTLP
   * request per call added about 40% to a call's latency; batching brings it under 10%. The
   * first call after a quiet spell still exports at once. (1000)
   */
  minExportIntervalMillis?: number;
  /** Extra resource attributes (e.g. `deployment.environment.name`). (none) */
  resourceAttributes?: Attributes;
  /** Replaces the OTLP exporter (tests, another protocol). (OTLP/HTTP JSON to `endpoint`) */
  exporter?: SpanExporter;
  /** The worker's own origin. (`self.location.origin`; none where there is no location, as in Node) */
  ownOrigin?: string | null;
  /** Query parameters whose values are redacted in the worker's spans, added to the built-in list (token, key, password, ...). (none) */
  redactQueryParams?: string[];
}

export interface WorkerTracing {
  tracer: Tracer;
  /** Give this to the engine (`createResilientFetch({ tracing })`); the worker runtime takes it from here. */
  tracing: TracingPort;
  provider: BasicTracerProvider;
  /** The resolved OTLP endpoint; the worker's router must not handle requests to it. */
  endpoint: string;
  /** Whether a request to `url` may carry `traceparent`: the worker's own origin, plus `propagateTo`. */
  propagate(url: URL): boolean;
  /** The query parameters its spans redact besides the built-in list; the worker's log lines redact them too. */
  redactQueryParams?: string[];
  /** Whether `url` is the OTLP endpoint (origin and path), so the router can leave it alone. */
  isExporterRequest(url: URL | string): boolean;
  /** Exports every span ended so far. Call under `event.waitUntil` after each handled event. Never rejects, never hangs. */
  flush(): Promise<void>;
  /** Spans dropped because the queue was full (e.g. the collector is down and the worker is busy). */
  dropped(): number;
  /** Spans whose export failed or timed out. */
  failed(): number;
  /** Flushes and stops exporting. Never rejects. */
  shutdown(): Promise<void>;
}

/**
 * Tracing for a service worker.
 *
 * Uses `BasicTracerProvider` rather than `WebTracerProvider`: the web provider only adds
 * `register()`, which installs a context manager (StackContextManager by default), and the
 * sdk-trace-web package brings page-only helpers (DOM, performance timing) a worker never uses.
 * No context manager is registered at all: a worker has no zone.js, async context is lost at each
 * `await`, and the engine passes every parent context explicitly (the page's, extracted from the
 * request's `traceparent`). The provider is not registered as the global tracer provider either;
 * the engine is handed `tracing` (built on this provider's tracer) directly.
 *
 * The W3C trace-context propagator IS registered globally, because the engine writes `traceparent`
 * with `propagation.inject`. If another propagator was registered first, the API keeps that one.
 */
const WORKER_EXPORT_INTERVAL_MS = 1000;

export function setupWorkerTracing(options: WorkerTracingOptions): WorkerTracing {
  checkTracingOptions(options, WORKER_FIELDS, 'setupWorkerTracing');
  const endpoint = resolveEndpoint(options.endpoint);
  const propagateTo = options.propagateTo ?? [];
  // An origin written as a URL (`https://app.test/`) still means that origin, not one that never matches.
  const ownOrigin = typeof options.ownOrigin === 'string' ? new URL(options.ownOrigin).origin : options.ownOrigin === null ? null : (runtimeLocation()?.origin ?? null);
  const exportTimeoutMillis = options.exportTimeoutMillis ?? BOUNDED_BATCH_DEFAULTS.exportTimeoutMillis;

  const exporter = options.exporter ?? createOtlpExporter(endpoint, exportTimeoutMillis);
  const processor = new BoundedBatchSpanProcessor(exporter, {
    maxQueueSize: options.maxQueueSize,
    maxExportBatchSize: options.maxExportBatchSize,
    exportTimeoutMillis,
    minExportIntervalMillis: options.minExportIntervalMillis ?? WORKER_EXPORT_INTERVAL_MS,
  });
  const provider = new BasicTracerProvider({
    resource: serviceResource(options.serviceName, options.resourceAttributes),
    spanProcessors: [processor],
  });
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const tracer = provider.getTracer('resilient-fetch');
  return {
    tracer,
    tracing: engineTracing(tracer, options.redactQueryParams),
    ...(options.redactQueryParams !== undefined ? { redactQueryParams: options.redactQueryParams } : {}),
    provider,
    endpoint,
    propagate: (url) => (ownOrigin !== null && url.origin === ownOrigin) || matchesPropagateTo(url, propagateTo),
    isExporterRequest: exporterRequests(endpoint),
    // Straight to the processor, not provider.forceFlush(): the provider's version rejects on timeout.
    flush: () => processor.flush(),
    dropped: () => processor.dropped(),
    failed: () => processor.failed(),
    shutdown: () => processor.shutdown(),
  };
}
