import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEventLogger } from '../../../src/telemetry/event-logger.js';
import { setupWorkerTracing } from '../../../src/telemetry/worker-tracing.js';
import { BoundedBatchSpanProcessor } from '../../../src/telemetry/bounded-batch-processor.js';
import { FakeExporter } from './fake-exporter.js';

const ENDPOINT = 'https://collector.test/v1/traces';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('setupWorkerTracing refuses bad options with a TypeError naming the field and the value', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options at all', undefined, /setupWorkerTracing options must be an object, got undefined/],
    ['a missing serviceName', { endpoint: ENDPOINT }, /serviceName must be a non-empty string, got undefined/],
    ['a number as serviceName', { serviceName: 42, endpoint: ENDPOINT }, /serviceName must be a non-empty string, got 42/],
    ['propagateTo given as one string', { serviceName: 'sw', endpoint: ENDPOINT, propagateTo: 'https://api.test' }, /propagateTo must be an array.*got "https:\/\/api\.test"/],
    ['a URL object in propagateTo', { serviceName: 'sw', endpoint: ENDPOINT, propagateTo: [new URL('https://api.test')] }, /propagateTo\[0\] must be .*got "https:\/\/api\.test\/"/],
    ['null in propagateTo', { serviceName: 'sw', endpoint: ENDPOINT, propagateTo: ['https://a.test', null] }, /propagateTo\[1\] must be .*got null/],
    ['an export timeout no timer can wait', { serviceName: 'sw', endpoint: ENDPOINT, exportTimeoutMillis: 3e9 }, /exportTimeoutMillis must be .*got 3000000000/],
    ['an export interval no timer can wait', { serviceName: 'sw', endpoint: ENDPOINT, minExportIntervalMillis: 3e9 }, /minExportIntervalMillis must be .*got 3000000000/],
    ['a queue size as a string', { serviceName: 'sw', endpoint: ENDPOINT, maxQueueSize: '10' }, /maxQueueSize must be .*got "10"/],
    ['resource attributes that are not an object', { serviceName: 'sw', endpoint: ENDPOINT, resourceAttributes: 'env=prod' }, /resourceAttributes must be an object.*got "env=prod"/],
    ['an exporter without export()', { serviceName: 'sw', endpoint: ENDPOINT, exporter: {} }, /exporter must be a SpanExporter, got \{\}/],
    ['an ownOrigin that is not a URL', { serviceName: 'sw', endpoint: ENDPOINT, ownOrigin: 'app.test' }, /ownOrigin must be .*got "app\.test"/],
  ];
  for (const [what, options, message] of cases) {
    it(what, () => {
      expect(() => setupWorkerTracing(options as never)).toThrow(TypeError);
      expect(() => setupWorkerTracing(options as never)).toThrow(message);
    });
  }

  it('an endpoint given as a URL object still works, as it did before options were checked', () => {
    expect(setupWorkerTracing({ serviceName: 'sw', endpoint: new URL(ENDPOINT) as never, exporter: new FakeExporter() }).endpoint).toBe(ENDPOINT);
  });

  it('an ownOrigin written with a path or trailing slash still means that origin', () => {
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter: new FakeExporter(), ownOrigin: 'https://app.test/' });
    expect(tracing.propagate(new URL('https://app.test/api'))).toBe(true);
  });
});

describe('BoundedBatchSpanProcessor refuses waits no timer can make', () => {
  it('exportTimeoutMillis and minExportIntervalMillis past 2^31-1 ms (a timer fires at once instead)', () => {
    expect(() => new BoundedBatchSpanProcessor(new FakeExporter(), { exportTimeoutMillis: 2 ** 31 })).toThrow(/exportTimeoutMillis must be .*got 2147483648/);
    expect(() => new BoundedBatchSpanProcessor(new FakeExporter(), { minExportIntervalMillis: 2 ** 31 })).toThrow(/minExportIntervalMillis must be .*got 2147483648/);
  });
});

describe('createEventLogger refuses bad options with a TypeError naming the field and the value', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null options', null, /createEventLogger options must be an object, got null/],
    ['a sink that is not a function', { sink: 'console' }, /sink must be a function.*got "console"/],
    ['redactQueryParams given as one string', { redactQueryParams: 'token' }, /redactQueryParams must be an array.*got "token"/],
    ['a number in redactQueryParams', { redactQueryParams: ['sid', 7] }, /redactQueryParams must be an array of strings, got \["sid",7\]/],
  ];
  for (const [what, options, message] of cases) {
    it(what, () => {
      expect(() => createEventLogger(options as never)).toThrow(TypeError);
      expect(() => createEventLogger(options as never)).toThrow(message);
    });
  }
});
