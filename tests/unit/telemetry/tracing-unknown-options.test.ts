// A misspelt tracing option was ignored (TypeScript would refuse it, a plain-JavaScript worker or
// page does not): `propagateToo` sent no `traceparent` to the API, so the page's, the worker's and
// the backend's spans stopped joining into one trace, with no word anywhere.
import { describe, expect, it } from 'vitest';
import { setupPageTracing } from '../../../src/telemetry/page-tracing.js';
import { setupWorkerTracing } from '../../../src/telemetry/worker-tracing.js';
import { FakeExporter } from './fake-exporter.js';

const ENDPOINT = 'https://collector.test/v1/traces';

describe('tracing setup refuses an option it does not know', () => {
  it('in the worker', () => {
    const setup = () => setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter: new FakeExporter(), propagateToo: ['https://api.test'] } as never);
    expect(setup).toThrow(TypeError);
    expect(setup).toThrow('propagateToo is not a known option (known: serviceName, endpoint, resourceAttributes, maxQueueSize, maxExportBatchSize, exportTimeoutMillis, redactQueryParams, exporter, minExportIntervalMillis, ownOrigin, propagateTo)');
  });

  it('in the page', () => {
    const setup = () => setupPageTracing({ serviceName: 'web', endpoint: ENDPOINT, exporter: new FakeExporter(), scheduleDelayMillis: 1_000 } as never);
    expect(setup).toThrow(TypeError);
    expect(setup).toThrow('scheduleDelayMillis is not a known option');
  });

  it('still takes every option it documents', () => {
    expect(() => setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter: new FakeExporter(), propagateTo: ['https://api.test'], ownOrigin: 'https://app.test', minExportIntervalMillis: 10, maxQueueSize: 10, maxExportBatchSize: 5, exportTimeoutMillis: 100, resourceAttributes: { 'deployment.environment.name': 'test' }, redactQueryParams: ['sid'] })).not.toThrow();
  });
});
