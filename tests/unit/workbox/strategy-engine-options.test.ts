// ResilientStrategy's engine options are refused when the strategy is made: an OpenTelemetry
// Tracer given as `tracing` passed the old "an object" check and then threw on every request the
// route handled.
import './service-worker-globals.js';
import 'fake-indexeddb/auto';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ResilientStrategy } from '../../../src/workbox/index.js';

const make = (options: object) => () => new ResilientStrategy({ cacheName: 'engine-options', cache: false, persistState: false, ...options } as never);

describe('ResilientStrategy engine options', () => {
  it.each([
    [{ tracing: trace.getTracer('app') }, "tracing must be engineTracing(tracer)'s result, got"],
    [{ onEvent: 'log' }, 'onEvent must be a function, got "log"'],
    [{ redactQueryParams: ['token', 5] }, 'redactQueryParams[1] must be a string, got 5'],
  ])('%j', (options, message) => {
    expect(make(options)).toThrow(TypeError);
    expect(make(options)).toThrow(message);
  });
});
