// createResilientFetch's own options (the policy has its own checks, config.test.ts): a mistake is
// a TypeError naming the option and the value when the engine is made, not a crash on every call
// later (an OpenTelemetry Tracer given as `tracing`: "tracing?.startCall is not a function") nor
// silence (a misspelt option, as the README's own `tracer` was, ignored).
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createResilientFetch, type CreateOptions } from '../../../src/core/index.js';
import { engineTracing } from '../../../src/telemetry/engine-tracing.js';
import { A, FakeClock, FakeTransport, MemoryCache, MemoryStore } from './fakes.js';

const create = (options: unknown) => () => createResilientFetch(options as CreateOptions);

describe('createResilientFetch options', () => {
  it.each([
    [null, 'options must be an object, got null'],
    ['https://a.test', 'options must be an object, got "https://a.test"'],
    // The README's engine sample said `tracer`: ignored, the app ran untraced with no word.
    [{ tracer: {} }, 'options.tracer is not a known option (known: fetch, clock, random, policy, store, cache, tracing, onEvent, isOnline, propagateTraceTo, redactQueryParams)'],
    [{ polciy: { defaults: { timeoutMs: 1_000 } } }, 'options.polciy is not a known option'],
    // An OpenTelemetry Tracer where engineTracing(tracer) belongs: every call threw.
    [{ tracing: trace.getTracer('app') }, "options.tracing must be engineTracing(tracer)'s result { active, extract, startCall }"],
    [{ fetch: 'https://a.test' }, 'options.fetch must be a function, got "https://a.test"'],
    // `cache: false` turns the cache off in installResilience and ResilientStrategy; here it was taken as a cache and failed every call's store.
    [{ cache: false }, 'options.cache must be a ResponseCache { match, put }, got false'],
    [{ random: 0.5 }, 'options.random must be a function, got 0.5'],
    [{ onEvent: 'log' }, 'options.onEvent must be a function, got "log"'],
    [{ isOnline: true }, 'options.isOnline must be a function, got true'],
    [{ propagateTraceTo: [A] }, 'options.propagateTraceTo must be a function, got ["https://a.test"]'],
    [{ redactQueryParams: 'session' }, 'options.redactQueryParams must be an array of strings, got "session"'],
    [{ redactQueryParams: ['session', 5] }, 'options.redactQueryParams[1] must be a string, got 5'],
  ])('%j', (options, message) => {
    expect(create(options)).toThrow(TypeError);
    expect(create(options)).toThrow(message);
  });

  it('takes every option it documents, and calls go through', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({
      fetch: transport.fetch,
      clock,
      random: () => 0.5,
      policy: { defaults: { retry: { maxRetries: 1 } } },
      store: new MemoryStore(),
      cache: new MemoryCache(clock),
      tracing: engineTracing(trace.getTracer('app')),
      onEvent: () => undefined,
      isOnline: () => true,
      propagateTraceTo: () => false,
      redactQueryParams: ['session'],
    });
    expect((await rf(`${A}/x`)).status).toBe(200);
    expect(() => createResilientFetch()).not.toThrow();
    expect(() => createResilientFetch({ cache: undefined, tracing: undefined })).not.toThrow(); // left out, as a spread of optional values gives
  });
});
