// The worker-safe part of the telemetry layer: no DOM globals and, above all, no zone.js.
// `@opentelemetry/context-zone` is marked `sideEffects: true`, so a worker bundle that merely
// imports page-tracing.ts gets zone.js patching the worker's Promise, fetch and event listeners.
// The service-worker runtime (src/sw) imports from here, never from ./index.ts.
export { setupWorkerTracing, type WorkerTracing, type WorkerTracingOptions } from './worker-tracing.js';
export { BoundedBatchSpanProcessor, BOUNDED_BATCH_DEFAULTS, type BoundedBatchOptions } from './bounded-batch-processor.js';
export { matchesPropagateTo, assertPropagateTo, type PropagateTo } from './propagate-to.js';
export { isExporterRequest, resolveEndpoint } from './exporter-endpoint.js';
export { createEventLogger, type EventLoggerOptions, type LogLevel, type LogRecord, type LogSink } from './event-logger.js';
export { engineTracing } from './engine-tracing.js';
