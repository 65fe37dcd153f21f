// `resilient-fetch/telemetry`: tracing setup for the page and the worker, and structured logs.
// Importing this entry evaluates page-tracing.ts and so loads zone.js; service-worker code should
// import ./worker.ts (the same exports minus setupPageTracing) instead.
export * from './worker.js';
export { setupPageTracing, type PageTracing, type PageTracingOptions } from './page-tracing.js';
