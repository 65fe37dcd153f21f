// Audit of user code the engine calls (transport, propagateTraceTo, isOnline, random, store,
// cache): at worst reported, never a hung call, a leaked slot or a wedged breaker.
import type { Tracer } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { engineTracing } from '../../../src/telemetry/engine-tracing.js';
import { A, FakeClock, FakeTransport } from './fakes.js';
import { STUCK_AFTER_MS } from '../../../src/core/within.js';
import { NOT_SENT } from '../../../src/core/attempt.js';

type Extra = Record<string, unknown>;

let reported: unknown[] = [];
beforeEach(() => {
  reported = [];
  vi.spyOn(console, 'error').mockImplementation((error: unknown) => void reported.push(error));
});
afterEach(() => vi.restoreAllMocks());

/** Advances the fake clock in steps until the promise settles; 'pending' if it does not within maxMs. */
async function outcome<T>(clock: FakeClock, promise: Promise<T>, maxMs = 60_000, stepMs = 10): Promise<T | Error | 'pending'> {
  let result: T | Error | 'pending' = 'pending';
  void promise.then((value) => (result = value), (error: unknown) => (result = error instanceof Error ? error : new Error(String(error))));
  await clock.advance(0); // lets what is due now settle
  for (let t = 0; result === 'pending' && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return result;
}

/** An engine whose breaker opens on one failure for exactly 1 s (random 0: no jitter shortening). */
function trippable(fetch: typeof globalThis.fetch, clock: FakeClock, extra: Extra = {}) {
  return createResilientFetch({
    fetch,
    clock,
    random: () => 0,
    policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 }, breaker: { minimumCalls: 1, openMs: 1_000 } } },
    ...extra,
  });
}

/** A tracer whose spans do nothing, so calls take the traced path (and ask propagateTraceTo). */
function quietTracing() {
  const span = { spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }), setAttributes() {}, setAttribute() {}, addEvent() {}, setStatus() {}, end() {} };
  return engineTracing({ startSpan: () => span } as unknown as Tracer);
}

describe('a transport that throws synchronously on a half-open probe', () => {
  it('rejects that call with its error and hands the probe back: the next call is the probe, not refused as circuit-open', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 500 }, { status: 200, body: 'back' });
    let throwing = false;
    const fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
      if (throwing) throw new TypeError('transport bug');
      return transport.fetch(input, init);
    }) as typeof globalThis.fetch;
    const rf = trippable(fetch, clock);
    await outcome(clock, rf(`${A}/trip`));
    await clock.advance(1_000); // half-open now
    throwing = true;
    expect(await outcome(clock, rf(`${A}/probe`))).toMatchObject({ message: 'transport bug' });
    throwing = false;
    const next = await outcome(clock, rf(`${A}/next`), 0);
    expect(next instanceof Response && describeResponse(next).source).toBe('network');
    expect(rf.snapshot()[0]!.breaker.state).toBe('closed');
    // Nothing left to fire: the throw was not counted as a timeout one attempt timeout later.
    await clock.advance(20_000);
    expect(rf.snapshot()[0]!.breaker).toMatchObject({ state: 'closed', failures: 0 });
  });
});

describe('a transport that returns something other than a promise', () => {
  it('rejects the call with a TypeError and gives its concurrency slot back', async () => {
    for (const timeoutMs of [1_000, Infinity]) {
      const clock = new FakeClock();
      let n = 0;
      const fetch = (() => (n++ === 0 ? undefined : Promise.resolve(new Response('ok')))) as unknown as typeof globalThis.fetch;
      const rf = createResilientFetch({ fetch, clock, policy: { defaults: { fallback: 'none', timeoutMs, deadlineMs: Infinity, concurrency: { maxInFlight: 1, maxQueue: 0 } } } });
      expect(await outcome(clock, rf(`${A}/x`), 0)).toBeInstanceOf(TypeError);
      const next = await outcome(clock, rf(`${A}/x`), 0);
      expect(next instanceof Response && describeResponse(next).source).toBe('network'); // a leaked slot: synthetic queue-full
    }
  });
});

describe('a propagateTraceTo that throws', () => {
  it('is reported, and the call (a half-open probe here) goes on without traceparent; the breaker closes', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 500 }, { status: 200, body: 'back' });
    let throwing = false;
    const propagateTraceTo = () => {
      if (throwing) throw new Error('propagate bug');
      return true;
    };
    const rf = trippable(transport.fetch, clock, { tracing: quietTracing(), propagateTraceTo });
    await outcome(clock, rf(`${A}/trip`));
    await clock.advance(1_000);
    throwing = true;
    const probe = await outcome(clock, rf(`${A}/probe`), 0);
    expect(probe instanceof Response && (await probe.text())).toBe('back');
    expect(transport.seen.at(-1)!.headers.has('traceparent')).toBe(false);
    expect(rf.snapshot()[0]!.breaker.state).toBe('closed');
    expect(reported).toContainEqual(expect.objectContaining({ message: 'propagate bug' }));
  });
});

describe('an isOnline that throws', () => {
  it('is reported and taken as online: calls are answered, failures counted, no slot kept (maxInFlight 1, no queue)', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 500, body: 'down' }, { status: 200, body: 'up' });
    const isOnline = () => {
      throw new Error('isOnline bug');
    };
    const rf = createResilientFetch({ fetch: transport.fetch, clock, isOnline, policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 }, concurrency: { maxInFlight: 1, maxQueue: 0 } } } });
    const failed = await outcome(clock, rf(`${A}/1`), 0);
    expect(failed instanceof Response && failed.status).toBe(500);
    const next = await outcome(clock, rf(`${A}/2`), 0);
    expect(next instanceof Response && (await next.text())).toBe('up');
    expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, breaker: { calls: 2, failures: 1 } });
    expect(reported).toContainEqual(expect.objectContaining({ message: 'isOnline bug' }));
  });
});

describe('a random that returns nonsense or throws', () => {
  const randoms: [string, () => number][] = [
    ['NaN', () => Number.NaN],
    ['-1', () => -1],
    ['5', () => 5],
    ['a throw', () => { throw new Error('random bug'); }],
  ];
  for (const [name, random] of randoms) {
    it(`(${name}) neither holds the breaker open past openMs nor shortens it to nothing, and the tripping call is answered`, async () => {
      const clock = new FakeClock();
      const transport = new FakeTransport(clock).sequence({ status: 500, body: 'down' }, { status: 200, body: 'up' });
      const rf = createResilientFetch({ fetch: transport.fetch, clock, random, policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 }, breaker: { minimumCalls: 1, openMs: 1_000 } } } });
      const tripped = await outcome(clock, rf(`${A}/trip`), 0);
      expect(tripped instanceof Response && tripped.status).toBe(500);
      expect(rf.snapshot()[0]!.breaker.state).toBe('open');
      await clock.advance(1_000);
      expect(rf.snapshot()[0]!.breaker.state).toBe('half-open');
      const probe = await outcome(clock, rf(`${A}/probe`), 0);
      expect(probe instanceof Response && (await probe.text())).toBe('up');
    });
  }
});

describe('a state store whose load never settles', () => {
  it('holds calls for STUCK_AFTER_MS at most: they go on without the saved state, said as a degraded event', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 200, body: 'ok' }));
    const events: { type: string; component?: string }[] = [];
    const store = { load: () => new Promise<never>(() => {}), save: async () => {} };
    const rf = createResilientFetch({ fetch: transport.fetch, clock, store, onEvent: (e) => events.push(e) });
    const calling = rf(`${A}/x`);
    const answer = await outcome(clock, calling, STUCK_AFTER_MS);
    expect(answer instanceof Response && (await answer.text())).toBe('ok');
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'state-store' }));
    expect(reported.length).toBeGreaterThan(0);
    const next = await outcome(clock, rf(`${A}/y`), 0); // no further wait
    expect(next instanceof Response && next.status).toBe(200);
  });
});

describe('a cache whose match never settles', () => {
  const hungCache = () => ({ match: () => new Promise<never>(() => {}), put: async () => {} });

  it('holds a failed call for STUCK_AFTER_MS at most: it ends as it would with no stored copy', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => 'network-error');
    const rf = createResilientFetch({ fetch: transport.fetch, clock, cache: hungCache(), policy: { defaults: { retry: { maxRetries: 0 } } } });
    const started = clock.now();
    expect(await outcome(clock, rf(`${A}/x`), STUCK_AFTER_MS)).toBeInstanceOf(TypeError);
    expect(clock.now() - started).toBeLessThanOrEqual(STUCK_AFTER_MS);
    expect(reported.length).toBeGreaterThan(0);
  });

  it('holds a refused call for STUCK_AFTER_MS at most: the synthetic 503', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 500 }));
    const rf = createResilientFetch({ fetch: transport.fetch, clock, cache: hungCache(), isOnline: () => false });
    const refused = await outcome(clock, rf(`${A}/x`), STUCK_AFTER_MS);
    expect(refused instanceof Response && describeResponse(refused)).toMatchObject({ source: 'synthetic', reason: 'offline' });
    expect(transport.count()).toBe(0);
  });
});

describe('a store save or a cache put that never settles', () => {
  // The worker hands settled() to waitUntil: a hung app callback kept the worker alive until the
  // browser killed it, and the work after it (a telemetry flush) never ran.
  it('(store.save) ends settled() within STUCK_AFTER_MS, says so, and later saves still go', async () => {
    const clock = new FakeClock();
    const saves: string[] = [];
    const store = { load: async () => [], save: (state: { breaker: { state: string } }) => (saves.push(state.breaker.state), new Promise<never>(() => {})) };
    const events: { type: string; component?: string }[] = [];
    const transport = new FakeTransport(clock).sequence({ status: 500 }, { status: 200 });
    const rf = trippable(transport.fetch, clock, { store: store as never, onEvent: (e: { type: string }) => events.push(e) });
    await outcome(clock, rf(`${A}/trip`), 0);
    expect(saves).toEqual(['open']);
    expect(await outcome(clock, rf.settled(), STUCK_AFTER_MS)).toBeUndefined();
    expect(reported).toEqual([expect.objectContaining({ message: expect.stringContaining(`store.save: no answer in ${STUCK_AFTER_MS} ms`) })]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'state-store' }));
    await clock.advance(1_000);
    await outcome(clock, rf(`${A}/probe`), 0); // closes the breaker: saved again, not held behind the hung one
    expect(saves.at(-1)).toBe('closed');
  });

  it('(cache.put) ends settled() within STUCK_AFTER_MS, says so, and later answers are still offered to the cache', async () => {
    const clock = new FakeClock();
    const puts: string[] = [];
    const cache = { match: async () => undefined, put: (request: Request) => (puts.push(request.url), new Promise<never>(() => {})) };
    const events: { type: string; component?: string }[] = [];
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, cache, onEvent: (e) => void events.push(e) });
    expect(await outcome(clock, rf(`${A}/one`), 0)).toBeInstanceOf(Response);
    expect(await outcome(clock, rf.settled(), STUCK_AFTER_MS)).toBeUndefined();
    expect(reported).toEqual([expect.objectContaining({ message: expect.stringContaining(`cache.put: no answer in ${STUCK_AFTER_MS} ms`) })]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'cache' }));
    await outcome(clock, rf(`${A}/two`), 0);
    expect(puts).toEqual([`${A}/one`, `${A}/two`]);
  });
});

describe('a cache whose match answers something malformed', () => {
  const answers: [string, unknown][] = [
    ['no storedAt (maxStaleMs could not be judged)', { response: new Response('ancient') }],
    ['a NaN storedAt', { response: new Response('ancient'), storedAt: Number.NaN }],
    ['a response that is not a Response', { response: 'ancient', storedAt: 0 }],
    ['no hit object at all', 'ancient'],
  ];
  for (const [name, hit] of answers) {
    it(`(${name}) is reported and taken as no stored copy: the synthetic 503, never the copy nor a thrown TypeError`, async () => {
      const clock = new FakeClock();
      const transport = new FakeTransport(clock);
      const cache = { match: async () => (typeof hit === 'object' && hit !== null && 'response' in hit && hit.response instanceof Response ? { ...hit, response: hit.response.clone() } : hit), put: async () => {} };
      const rf = createResilientFetch({ fetch: transport.fetch, clock, cache: cache as never, isOnline: () => false });
      const answer = await outcome(clock, rf(`${A}/x`), 1_000);
      expect(answer instanceof Response && describeResponse(answer)).toMatchObject({ source: 'synthetic', reason: 'offline' });
      expect(reported.length).toBeGreaterThan(0);
    });
  }
});

describe('a transport that resolves with no Response (a wrapper that forgot its return)', () => {
  const forgetful = (good: () => boolean) => (async () => (good() ? new Response('ok') : undefined)) as unknown as typeof globalThis.fetch;

  for (const [path, init] of [['sent without a Call', {}], ['watched (a caller signal)', { signal: new AbortController().signal }]] as const) {
    it(`(${path}) rejects that call with a TypeError saying so, and gives its slot back`, async () => {
      for (const timeoutMs of [1_000, Infinity]) {
        const clock = new FakeClock();
        let n = 0;
        const rf = createResilientFetch({ fetch: forgetful(() => n++ > 0), clock, policy: { defaults: { fallback: 'none', timeoutMs, deadlineMs: Infinity, concurrency: { maxInFlight: 1, maxQueue: 0 } } } });
        expect(await outcome(clock, rf(`${A}/x`, init), 0)).toMatchObject({ name: 'TypeError', message: expect.stringContaining('not a Response') });
        const next = await outcome(clock, rf(`${A}/x`, init), 0);
        expect(next instanceof Response && describeResponse(next).source).toBe('network');
      }
    });
  }

  it('on a half-open probe, hands the probe back', async () => {
    const clock = new FakeClock();
    let n = 0;
    const fetch = (async () => {
      const i = n++;
      return i === 0 ? new Response(null, { status: 500 }) : i === 1 ? undefined : new Response('back');
    }) as unknown as typeof globalThis.fetch;
    const rf = trippable(fetch, clock);
    await outcome(clock, rf(`${A}/trip`), 0);
    await clock.advance(1_000);
    expect(await outcome(clock, rf(`${A}/probe`), 0)).toBeInstanceOf(TypeError);
    const next = await outcome(clock, rf(`${A}/next`), 0);
    expect(next instanceof Response && describeResponse(next).source).toBe('network');
  });
});

describe('a transport that resolves with a Response look-alike (a status, but not a Response)', () => {
  // A custom transport or a Workbox handler.fetch plugin answering { status, headers, body }: the
  // first attempt read only its status and passed a 200 straight to the caller.
  const lookAlike = (status: number) => ({ status, ok: status < 300, headers: new Headers(), body: null, async text() { return 'ok'; } });
  const paths = [['sent without a Call', {}], ['watched (a caller signal)', { signal: new AbortController().signal }]] as const;

  for (const [path, init] of paths) {
    for (const status of [200, 500]) {
      it(`(${path}, status ${status}) rejects with a TypeError naming what came, counts nothing, and gives the slot back`, async () => {
        const clock = new FakeClock();
        let n = 0;
        const fetch = (async () => (n++ === 0 ? lookAlike(status) : new Response('ok'))) as unknown as typeof globalThis.fetch;
        const rf = createResilientFetch({ fetch, clock, random: () => 0, policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 }, breaker: { minimumCalls: 1 }, concurrency: { maxInFlight: 1, maxQueue: 0 } } } });
        expect(await outcome(clock, rf(`${A}/x`, init), 0)).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/resolved with an object \(Object\), not a Response/) });
        expect(rf.snapshot()[0]).toMatchObject({ breaker: { state: 'closed' }, inFlight: 0 });
        const next = await outcome(clock, rf(`${A}/x`, init), 0);
        expect(next instanceof Response && describeResponse(next).source).toBe('network');
      });
    }
  }
});

describe('an async onEvent listener that rejects', () => {
  afterEach(() => void vi.unstubAllGlobals());
  // The second case: a page running zone.js (page tracing), whose global Promise is not the
  // class an async function's promise is an instance of.
  for (const zone of [false, true]) it(`is reported, not left as an unhandled rejection (which ends a Node process)${zone ? ', under zone.js' : ''}`, async () => {
    if (zone) vi.stubGlobal('Promise', class ZoneAwarePromise<T> extends Promise<T> {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const clock = new FakeClock();
      const transport = new FakeTransport(clock).reply(() => 'network-error');
      const onEvent = async () => {
        throw new Error('async listener bug');
      };
      const rf = createResilientFetch({ fetch: transport.fetch, clock, onEvent, policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 } } } });
      expect(await outcome(clock, rf(`${A}/x`), 0)).toBeInstanceOf(TypeError); // a 'failed' event
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(reported).toContainEqual(expect.objectContaining({ message: 'async listener bug' }));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('a transport rejection marked NOT_SENT (a Workbox requestWillFetch plugin threw)', () => {
  for (const path of ['first attempt', 'attempt loop']) {
    it(`(${path}) is counted as nothing, gives the slot back, is not retried, and is the call's error`, async () => {
      const clock = new FakeClock();
      const notSent = Object.assign(new Error('no token'), { [NOT_SENT]: true });
      let sent = 0;
      const fetch = async () => {
        sent++;
        throw notSent;
      };
      const rf = createResilientFetch({ fetch, clock, policy: { defaults: { fallback: 'none', concurrency: { maxInFlight: 1, maxQueue: 0 }, breaker: { minimumCalls: 1 } } } });
      const init = path === 'attempt loop' ? { signal: new AbortController().signal } : undefined; // a signal: the Call's own attempts
      for (let i = 0; i < 3; i++) await expect(rf(`${A}/x`, init)).rejects.toBe(notSent);
      expect(sent).toBe(3); // once per call: not retried
      expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, breaker: { state: 'closed', failures: 0 } });
    });
  }
});
