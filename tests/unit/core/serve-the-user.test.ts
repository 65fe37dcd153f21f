// Issue 15: serve the user while protecting the backend.
import { describe, expect, it, vi } from 'vitest';
import { createResilientFetch, describeResponse, DEFAULT_POLICY, type ResilienceEvent } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport, MemoryCache } from './fakes.js';

function setup(defaults: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const cache = new MemoryCache(clock);
  const events: ResilienceEvent[] = [];
  const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0.5, cache, onEvent: (e) => events.push(e), policy: { defaults } });
  return { clock, transport, cache, rf, events };
}

/** Records when a promise settles on the fake clock. */
function watch<T>(clock: FakeClock, promise: Promise<T>) {
  const seen: { at?: number; value?: T; error?: unknown } = {};
  promise.then((value) => Object.assign(seen, { at: clock.now(), value }), (error: unknown) => Object.assign(seen, { at: clock.now(), error }));
  return seen;
}

/** A cache whose writes take `ms` to land, as IndexedDB's may. */
function slowWritingCache(clock: FakeClock, ms: number): MemoryCache {
  const cache = new MemoryCache(clock);
  const store = cache.put.bind(cache);
  cache.put = async (request, response) => {
    await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), ms));
    await store(request, response);
  };
  return cache;
}

describe('stale-while-waiting', () => {
  it('a GET in flight longer than staleAfterMs answers from the stored copy, then refreshes the store', async () => {
    const { rf, transport, clock, cache, events } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 200, body: 'v2', delayMs: 8_000 });
    await rf(`${A}/item`);
    await clock.advance(1);
    const start = clock.now();
    const call = watch(clock, rf(`${A}/item`));
    await clock.advance(DEFAULT_POLICY.staleAfterMs);
    expect(call.at).toBe(start + DEFAULT_POLICY.staleAfterMs);
    expect(await call.value!.text()).toBe('v1');
    expect(describeResponse(call.value!)).toMatchObject({ source: 'cache', reason: 'slow' });
    await clock.advance(5_000); // the request went on within its 10 s timeout
    expect(cache.entries.get(`${A}/item`)!.body).toBe('v2');
    expect(events).toContainEqual(expect.objectContaining({ type: 'refreshed', url: `${A}/item`, status: 200 }));
  });

  it('keeps the refresh behind an early answer in settled(): a worker stays alive until the fresh copy is stored', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const cache = slowWritingCache(clock, 500);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0.5, cache });
    transport.sequence({ status: 200, body: 'v1' }, { status: 200, body: 'v2', delayMs: 8_000 });
    await rf(`${A}/item`);
    await clock.advance(500);
    await rf.settled();
    const call = watch(clock, rf(`${A}/item`));
    await clock.advance(DEFAULT_POLICY.staleAfterMs);
    expect(await call.value!.text()).toBe('v1'); // answered early from the stored copy
    // The worker's waitUntil waits on settled() once the response is out: the refresh is in flight...
    const settled = watch(clock, rf.settled());
    await clock.advance(5_100);
    expect(settled.at).toBeUndefined();
    // ...then its answer is being stored...
    expect(cache.entries.get(`${A}/item`)!.body).toBe('v1');
    await clock.advance(500);
    // ...and settled() ends only once it is.
    expect(settled.at).toBeDefined();
    expect(cache.entries.get(`${A}/item`)!.body).toBe('v2');
  });

  it('tells of the refresh (`refreshed`) only once its answer is stored: a page that reads again on the notice gets the fresh copy', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const cache = slowWritingCache(clock, 500);
    const events: ResilienceEvent[] = [];
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0.5, cache, onEvent: (e) => events.push(e) });
    transport.sequence({ status: 200, body: 'v1' }, { status: 200, body: 'v2', delayMs: 8_000 });
    await rf(`${A}/item`);
    await clock.advance(500);
    const call = watch(clock, rf(`${A}/item`));
    await clock.advance(DEFAULT_POLICY.staleAfterMs);
    expect(await call.value!.text()).toBe('v1');
    await clock.advance(8_000 - DEFAULT_POLICY.staleAfterMs); // the fresh answer arrives; its write has begun
    const stored = (): string | undefined => cache.entries.get(`${A}/item`)?.body;
    const refreshed = (): boolean => events.some((e) => e.type === 'refreshed');
    expect([stored(), refreshed()]).toEqual(['v1', false]);
    await clock.advance(500);
    expect([stored(), refreshed()]).toEqual(['v2', true]);
  });

  it('tells of a refresh even when its write fails: the fresh answer did arrive', async () => {
    const { rf, transport, clock, cache, events } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 200, body: 'v2', delayMs: 8_000 });
    await rf(`${A}/item`);
    await clock.advance(1);
    cache.put = () => Promise.reject(new Error('disk full'));
    const call = watch(clock, rf(`${A}/item`));
    await clock.advance(8_000);
    expect(await call.value!.text()).toBe('v1');
    expect(events).toContainEqual(expect.objectContaining({ type: 'refreshed', url: `${A}/item`, status: 200 }));
  });

  it('a GET waiting in the queue answers from the stored copy after staleAfterMs, and still refreshes', async () => {
    const { rf, transport, clock, cache } = setup({ concurrency: { maxInFlight: 1, maxQueue: 10 }, staleAfterMs: 1_000 });
    transport.reply((r) => (r.url.endsWith('/slow') ? { status: 200, body: 'slow', delayMs: 4_000 } : { status: 200, body: `fresh@${clock.now()}` }));
    await rf(`${A}/item`);
    await rf.settled();
    const stored = cache.entries.get(`${A}/item`)!.body;
    void rf(`${A}/slow`, { resilience: { staleAfterMs: Infinity } });
    await clock.advance(1);
    const call = watch(clock, rf(`${A}/item`));
    await clock.advance(1_000);
    expect(await call.value!.text()).toBe(stored);
    expect(rf.snapshot()[0]).toMatchObject({ queued: 1 });
    await clock.advance(3_100);
    expect(cache.entries.get(`${A}/item`)!.body).not.toBe(stored);
  });

  it('without a stored copy the call simply waits for the network', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 200, body: 'late', delayMs: 6_000 });
    const call = watch(clock, rf(`${A}/new`));
    await clock.advance(6_000);
    expect(call.at).toBe(clock.now());
    expect(await call.value!.text()).toBe('late');
  });

  it('writes never answer from a stored copy', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 201, body: 'made', delayMs: 6_000 });
    await rf(`${A}/item`);
    const call = watch(clock, rf(`${A}/item`, { method: 'POST', body: 'x' }));
    await clock.advance(6_000);
    expect(call.value!.status).toBe(201);
  });
});

describe('fallback handler', () => {
  const handler = vi.fn(async (request: Request, reason: string) => Response.json({ offline: true, url: request.url, reason }));

  it('answers for the app when no stored copy exists, marked as a fallback', async () => {
    const { rf, transport } = setup({ fallback: { handler }, retry: { maxRetries: 0 } });
    transport.sequence('network-error');
    const res = await rf(`${A}/none`);
    expect(await res.json()).toEqual({ offline: true, url: `${A}/none`, reason: 'network-error' });
    expect(describeResponse(res)).toMatchObject({ source: 'fallback', reason: 'network-error' });
  });

  it('comes after the stored copy, and answers local rejections too', async () => {
    const { rf, transport } = setup({ fallback: { handler }, retry: { maxRetries: 0 }, breaker: { minimumCalls: 1, failureRateThreshold: 0.5 } });
    transport.sequence({ status: 200, body: 'stored' }, { status: 500 });
    await rf(`${A}/kept`);
    await rf(`${A}/other`); // 500 opens the breaker (minimumCalls 1)
    expect(describeResponse(await rf(`${A}/kept`))).toMatchObject({ source: 'cache', reason: 'circuit-open' });
    const handled = await rf(`${A}/other`);
    expect(describeResponse(handled)).toMatchObject({ source: 'fallback', reason: 'circuit-open' });
  });

  it('a throwing handler falls back to the synthetic 503 and is reported', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { rf, transport, events } = setup({ fallback: { handler: () => { throw new Error('handler bug'); } }, breaker: { minimumCalls: 1 }, retry: { maxRetries: 0 } });
    transport.sequence({ status: 500 });
    await rf(`${A}/x`);
    const res = await rf(`${A}/x`);
    expect(describeResponse(res)).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'fallback-handler' }));
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });

  it('a handler that never answers cannot hold the call past its deadline', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { rf, transport, clock } = setup({ fallback: { handler: () => new Promise<Response>(() => {}) }, breaker: { minimumCalls: 1 }, retry: { maxRetries: 0 } });
    transport.sequence({ status: 500 });
    await rf(`${A}/x`, { resilience: { fallback: 'none' } });
    const call = watch(clock, rf(`${A}/x`, { resilience: { deadlineMs: 2_000 } }));
    await clock.advance(2_000);
    expect(describeResponse(call.value!)).toMatchObject({ source: 'synthetic' });
    errors.mockRestore();
  });

  it('is refused in a policy unless it is a function', () => {
    expect(() => createResilientFetch({ policy: { defaults: { fallback: { handler: 'nope' } as never } } })).toThrow(/fallback\.handler must be a function/);
  });
});

describe('partial failure: the default policy never refuses writes a plain fetch would land', () => {
  it('at 50% errors the breaker stays closed and every POST is sent', async () => {
    const { rf, transport, clock } = setup();
    transport.reply((_, n) => ({ status: n % 2 === 0 ? 503 : 201 }));
    let sent = 0;
    for (let i = 0; i < 200; i++) {
      const before = transport.count();
      await rf(`${A}/orders`, { method: 'POST', body: String(i) });
      sent += transport.count() - before;
      await clock.advance(50);
    }
    expect(sent).toBe(200);
    expect(rf.snapshot()[0]!.breaker.state).toBe('closed');
  });

  it('a full outage still opens the breaker, and one success closes it and clears the throttle', async () => {
    const { rf, transport, clock } = setup();
    transport.reply(() => 'network-error');
    for (let i = 0; i < 40; i++) {
      await rf(`${A}/x`, { resilience: { retries: 0 } }).catch(() => undefined);
      await clock.advance(50);
    }
    expect(transport.count()).toBeLessThanOrEqual(15); // 10 to judge, then a probe per open period at most
    transport.reply(() => ({ status: 201 }));
    await clock.advance(DEFAULT_POLICY.breaker.maxOpenMs);
    const after: number[] = [];
    for (let i = 0; i < 40; i++) {
      after.push((await rf(`${A}/orders`, { method: 'POST', body: String(i) })).status);
      await clock.advance(50);
    }
    expect(after, JSON.stringify(rf.snapshot()[0])).toEqual(Array(40).fill(201)); // the recovered backend gets every write
    expect(rf.snapshot()[0]!.throttleProbability).toBe(0);
  });
});

describe('a write meets a server pause it can outwait', () => {
  async function paused() {
    const s = setup();
    s.transport.reply((r) => (r.url.endsWith('/push') ? { status: 429, headers: { 'Retry-After': '2' } } : { status: 201 }));
    await s.rf(`${A}/push`, { resilience: { retries: 0, fallback: 'none' } }); // pauses the origin for 2 s
    return s;
  }

  it('waits until the pause ends and is then sent once, instead of being refused', async () => {
    const { rf, transport, clock } = await paused();
    const start = clock.now();
    const call = watch(clock, rf(`${A}/orders`, { method: 'POST', body: 'x' }));
    await clock.advance(1_999);
    expect(transport.seen.filter((r) => r.url.endsWith('/orders'))).toHaveLength(0); // nothing during the pause
    await clock.advance(1);
    expect(call.at).toBe(start + 2_000);
    expect(call.value!.status).toBe(201);
    expect(transport.seen.filter((r) => r.url.endsWith('/orders'))).toHaveLength(1);
  });

  it('is refused at once when the pause outlasts its deadline, and a read is never held', async () => {
    const { rf, transport } = await paused();
    const write = await rf(`${A}/orders`, { method: 'POST', body: 'x', resilience: { deadlineMs: 1_000 } });
    expect(describeResponse(write)).toMatchObject({ source: 'synthetic', reason: 'paused' });
    const read = await rf(`${A}/new`, { resilience: { fallback: 'none' } });
    expect(describeResponse(read)).toMatchObject({ source: 'synthetic', reason: 'paused' });
    expect(transport.count()).toBe(1);
  });
});

describe('a full queue', () => {
  it('takes a write by dropping a read whose caller was already answered from a stored copy', async () => {
    const { rf, transport, clock, cache } = setup({ concurrency: { maxInFlight: 1, maxQueue: 1 }, staleAfterMs: 1_000 });
    transport.reply((r) => (r.url.endsWith('/slow') ? { status: 200, body: 'slow', delayMs: 5_000 } : { status: r.method === 'POST' ? 201 : 200, body: 'ok' }));
    await rf(`${A}/item`);
    await rf.settled();
    expect(cache.entries.has(`${A}/item`)).toBe(true);
    void rf(`${A}/slow`, { resilience: { staleAfterMs: Infinity } }); // holds the only slot for 5 s
    await clock.advance(1);
    const read = watch(clock, rf(`${A}/item`)); // queued
    await clock.advance(1_000);
    expect(describeResponse(read.value!)).toMatchObject({ source: 'cache', reason: 'slow' }); // answered, still queued to refresh
    const write = watch(clock, rf(`${A}/orders`, { method: 'POST', body: 'x' }));
    await clock.advance(4_100);
    expect(write.value!.status).toBe(201); // not refused queue-full
    expect(transport.seen.filter((r) => r.url.endsWith('/orders'))).toHaveLength(1);
  });

  it('still refuses when every queued caller is waiting for its first answer', async () => {
    const { rf, transport, clock } = setup({ concurrency: { maxInFlight: 1, maxQueue: 1 } });
    transport.reply(() => ({ status: 200, delayMs: 5_000 }));
    void rf(`${A}/a`);
    await clock.advance(1);
    void rf(`${A}/b`, { method: 'POST', body: '1' });
    const refused = await rf(`${A}/c`, { method: 'POST', body: '2' });
    expect(describeResponse(refused)).toMatchObject({ source: 'synthetic', reason: 'queue-full' });
  });
});

describe('a write meets a half-open breaker whose probe is in flight', () => {
  async function halfOpen(probeStatus: number) {
    const s = setup({ breaker: { minimumCalls: 1 }, retry: { maxRetries: 0 } });
    s.transport.sequence('network-error', { status: probeStatus, delayMs: 300 }, { status: 201 });
    await s.rf(`${A}/x`, { resilience: { fallback: 'none' } }).catch(() => undefined); // opens the breaker
    await s.clock.advance(DEFAULT_POLICY.breaker.openMs); // half-open
    const probe = watch(s.clock, s.rf(`${A}/probe`, { method: 'PUT', body: 'p' }));
    await s.clock.advance(1);
    return { ...s, probe };
  }

  it('waits for the probe and is sent when it succeeds', async () => {
    const { rf, clock, transport } = await halfOpen(200);
    const write = watch(clock, rf(`${A}/orders`, { method: 'POST', body: 'x' }));
    await clock.advance(400);
    expect(write.value!.status).toBe(201);
    expect(transport.seen.filter((r) => r.url.endsWith('/orders'))).toHaveLength(1);
  });

  it('is refused when the probe fails, without having been sent', async () => {
    const { rf, clock, transport } = await halfOpen(503);
    const write = watch(clock, rf(`${A}/orders`, { method: 'POST', body: 'x' }));
    await clock.advance(400);
    expect(describeResponse(write.value!)).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
    expect(transport.seen.filter((r) => r.url.endsWith('/orders'))).toHaveLength(0);
  });

  it('a read is answered at once, as before', async () => {
    const { rf } = await halfOpen(200);
    expect(describeResponse(await rf(`${A}/new`, { resilience: { fallback: 'none' } }))).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
  });
});

describe('a call already answered from the stored copy', () => {
  it('does not look the copy up again when its refresh is refused later', async () => {
    const { rf, transport, clock, cache } = setup({ concurrency: { maxInFlight: 1, maxQueue: 5 }, staleAfterMs: 1_000 });
    transport.reply((r) => (r.url.endsWith('/slow') ? 'hang' : { status: 200, body: 'v1' }));
    await rf(`${A}/item`);
    await rf.settled();
    let lookups = 0;
    const match = cache.match.bind(cache);
    cache.match = (request: Request) => (lookups++, match(request));
    void rf(`${A}/slow`, { resilience: { staleAfterMs: Infinity, timeoutMs: 5_000, fallback: 'none' } }).catch(() => undefined);
    await clock.advance(1);
    const read = watch(clock, rf(`${A}/item`, { resilience: { deadlineMs: 3_000 } }));
    await clock.advance(1_000);
    expect(describeResponse(read.value!)).toMatchObject({ source: 'cache', reason: 'slow' });
    await clock.advance(2_100); // its deadline passes in the queue: refused, and nobody reads the answer
    expect(lookups).toBe(1);
  });
});

describe('outage tail: a caller never waits for work that cannot help it', () => {
  it('a failed probe answers from the stored copy at once, not after a backoff whose retry the re-opened breaker would refuse', async () => {
    const { rf, transport, clock } = setup({ breaker: { minimumCalls: 1 } });
    transport.sequence({ status: 200, body: 'v1' }, 'network-error', 'network-error', 'network-error', 'network-error');
    await rf(`${A}/item`);
    await clock.advance(DEFAULT_POLICY.breaker.windowMs); // the success leaves the breaker's window
    await rf(`${A}/other`, { resilience: { fallback: 'none', retries: 0 } }).catch(() => undefined); // opens the breaker
    await clock.advance(DEFAULT_POLICY.breaker.maxOpenMs); // half-open
    const start = clock.now();
    const probe = watch(clock, rf(`${A}/item`));
    await clock.advance(0);
    expect(describeResponse(probe.value!)).toMatchObject({ source: 'cache', reason: 'circuit-open' });
    expect(probe.at).toBe(start);
    expect(transport.seen.filter((r) => r.url.endsWith('/item'))).toHaveLength(2); // the probe, no retry
  });

  it('calls queued behind a breaker that opens are answered together, not one stored-copy lookup after another', async () => {
    const { rf, transport, clock, cache } = setup({ breaker: { minimumCalls: 1 }, concurrency: { maxInFlight: 1, maxQueue: 10 }, retry: { maxRetries: 0 } });
    transport.reply((r) => (r.url.endsWith('/hung') ? { status: 503, delayMs: 2_000 } : { status: 200, body: r.url }));
    for (let i = 0; i < 4; i++) await rf(`${A}/item/${i}`);
    await rf.settled();
    await clock.advance(DEFAULT_POLICY.breaker.windowMs); // the successes leave the breaker's window
    const match = cache.match.bind(cache);
    cache.match = async (request: Request) => {
      await new Promise<void>((resolve) => clock.setTimeout(() => resolve(), 10)); // an IndexedDB read takes time
      return match(request);
    };
    const opensAt = clock.now() + 2_000;
    void rf(`${A}/hung`, { resilience: { fallback: 'none' } }); // holds the only slot, then opens the breaker
    await clock.advance(1);
    const reads = [0, 1, 2, 3].map((i) => watch(clock, rf(`${A}/item/${i}`)));
    await clock.advance(2_000 + 10);
    for (const read of reads) expect(describeResponse(read.value!)).toMatchObject({ source: 'cache', reason: 'circuit-open' });
    expect(reads.map((read) => read.at)).toEqual(reads.map(() => opensAt + 10)); // one read's time, not four
  });
});

describe('a queue that has not moved for staleAfterMs', () => {
  it('answers a GET joining it from the stored copy at once, and the GET still waits there to refresh', async () => {
    const { rf, transport, clock, cache } = setup({ concurrency: { maxInFlight: 1, maxQueue: 10 }, staleAfterMs: 1_000 });
    transport.reply((r) => (r.url.endsWith('/hung') ? { status: 200, body: 'late', delayMs: 5_000 } : { status: 200, body: `fresh@${clock.now()}` }));
    for (const path of ['/a', '/b']) await rf(`${A}${path}`);
    await rf.settled();
    const stored = cache.entries.get(`${A}/a`)!.body;
    void rf(`${A}/hung`, { resilience: { staleAfterMs: Infinity } }); // holds the only slot
    await clock.advance(1);
    void rf(`${A}/new`); // no stored copy: it just waits, at the head of the queue
    await clock.advance(500);
    const early = watch(clock, rf(`${A}/b`)); // the head has waited 500 ms: the normal wait
    await clock.advance(1_000);
    const start = clock.now(); // the head has waited 1,500 ms
    const late = watch(clock, rf(`${A}/a`));
    await clock.advance(0);
    expect(late.at).toBe(start);
    expect(describeResponse(late.value!)).toMatchObject({ source: 'cache', reason: 'slow' });
    expect(await late.value!.text()).toBe(stored);
    expect(early.at).toBe(start); // joined at start - 1,000: answered after its own staleAfterMs
    await clock.advance(5_000); // the slot frees; the queued reads refresh the store
    expect(cache.entries.get(`${A}/a`)!.body).not.toBe(stored);
  });
});
