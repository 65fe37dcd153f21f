// Issue 9's engine defects, each reproduced from the public API before its fix.
import { describe, expect, it, vi } from 'vitest';
import { createResilientFetch, describeResponse, type ResilienceEvent } from '../../../src/core/index.js';
import { ResolvedPolicy } from '../../../src/core/policy.js';
import type { Tracer } from '@opentelemetry/api';
import { engineTracing } from '../../../src/telemetry/engine-tracing.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

type Extra = Record<string, unknown>;

function setup(defaults: Extra = {}, options: Extra = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0.5, policy: { defaults }, ...options });
  return { clock, transport, rf };
}

/** Advance the fake clock in steps until the promise settles (or maxMs passes). */
async function settle<T>(clock: FakeClock, promise: Promise<T>, stepMs = 10, maxMs = 60_000): Promise<T> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return promise;
}

describe('item 1: user callbacks never hang or break a call', () => {
  it('a throwing onEvent neither hangs the call nor keeps its concurrency slot', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { rf, transport, clock } = setup(
      { concurrency: { maxInFlight: 1, maxQueue: 4 }, retry: { maxRetries: 1 } },
      { onEvent: () => { throw new Error('listener bug'); } },
    );
    transport.sequence({ status: 503 }, { status: 200, body: 'ok' }, { status: 200, body: 'second' });
    const first = await settle(clock, rf(`${A}/1`));
    expect(first.status).toBe(200);
    const second = await settle(clock, rf(`${A}/2`));
    expect(await second.text()).toBe('second');
    expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, queued: 0 });
    expect(reported).toHaveBeenCalled();
    reported.mockRestore();
  });

  it('a cache whose match throws synchronously still lets the call fall back to the synthetic answer', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const cache = { match: () => { throw new Error('broken cache'); }, put: () => { throw new Error('broken put'); } };
    const { rf, transport, clock } = setup({ retry: { maxRetries: 0 } }, { cache });
    transport.sequence({ status: 200, body: 'fresh' }, 'network-error');
    expect(await (await settle(clock, rf(`${A}/x`))).text()).toBe('fresh');
    await expect(settle(clock, rf(`${A}/x`))).rejects.toThrow(TypeError);
    reported.mockRestore();
  });

  it('a tracer that throws does not break the call', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = engineTracing({ startSpan: () => { throw new Error('tracer bug'); }, startActiveSpan: () => { throw new Error('tracer bug'); } } as unknown as Tracer);
    const { rf, transport, clock } = setup({}, { tracing: broken });
    transport.sequence({ status: 200, body: 'ok' });
    expect(await (await settle(clock, rf(`${A}/x`))).text()).toBe('ok');
    reported.mockRestore();
  });
});

describe('a propagateTraceTo that throws breaks no call', () => {
  it('is reported; that call and the next are answered, each with a slot (maxInFlight 1, no queue)', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const span = { spanContext: () => ({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 }), setAttributes() {}, setAttribute() {}, addEvent() {}, setStatus() {}, end() {} };
    const tracing = engineTracing({ startSpan: () => span } as unknown as Tracer);
    let throwing = true;
    const propagateTraceTo = () => {
      if (throwing) throw new Error('propagate bug');
      return false;
    };
    const { rf, transport, clock } = setup({ concurrency: { maxInFlight: 1, maxQueue: 0 } }, { tracing, propagateTraceTo });
    transport.reply(() => ({ status: 200, body: 'ok' }));
    expect(await (await settle(clock, rf(`${A}/x`))).text()).toBe('ok');
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'propagate bug' }));
    throwing = false;
    const res = await settle(clock, rf(`${A}/y`));
    expect(describeResponse(res).source).not.toBe('synthetic');
    expect(await res.text()).toBe('ok');
    reported.mockRestore();
  });
});

describe('item 2: queue time is not attempt time; the deadline covers everything', () => {
  it('calls that waited in the queue are not judged slow for the wait', async () => {
    const { rf, transport, clock } = setup({
      concurrency: { maxInFlight: 1, maxQueue: 10 },
      breaker: { minimumCalls: 2, slowCallMs: 1_000, slowCallRateThreshold: 1 },
    });
    transport.reply((r) => ({ status: 200, delayMs: r.url.endsWith('/slow') ? 900 : 200 }));
    const calls = [rf(`${A}/slow`), rf(`${A}/fast`)];
    await clock.advance(1_200);
    await Promise.all(calls);
    expect(rf.snapshot()[0]!.breaker).toMatchObject({ state: 'closed', slowCalls: 0 });
  });

  it('a call with deadlineMs 1000 queued behind a 900 ms call settles by its deadline', async () => {
    const { rf, transport, clock } = setup({ concurrency: { maxInFlight: 1, maxQueue: 10 }, retry: { maxRetries: 0 } });
    transport.reply(() => ({ status: 200, delayMs: 900 }));
    const started = clock.now();
    void rf(`${A}/first`);
    await clock.advance(1);
    const second = rf(`${A}/second`, { resilience: { deadlineMs: 1_000 } });
    let settledAt = 0;
    void second.then(() => (settledAt = clock.now()), () => (settledAt = clock.now()));
    await clock.advance(2_000);
    expect(settledAt).toBeGreaterThan(0);
    expect(settledAt - started).toBeLessThanOrEqual(1_001 + 1);
  });
});

describe('item 3: every attempt is admitted', () => {
  it('a retry does not go out while another call paused the origin with Retry-After', async () => {
    const { rf, transport, clock } = setup({ retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 100, jitter: 'none' } });
    transport.reply((r, n) => {
      if (r.url.endsWith('/pusher')) return { status: 429, headers: { 'Retry-After': '5' } };
      return n === 0 ? { status: 503 } : { status: 200 };
    });
    const a = rf(`${A}/a`); // 503, retry due in 100 ms
    await clock.advance(1);
    const p = rf(`${A}/pusher`, { resilience: { retries: 0 } }); // pauses the origin for 5 s
    await clock.advance(10);
    await p;
    const sentBefore = transport.seen.filter((r) => r.url.endsWith('/a')).length;
    await clock.advance(500);
    expect(transport.seen.filter((r) => r.url.endsWith('/a')).length).toBe(sentBefore); // no retry during the pause
    await clock.advance(6_000);
    const res = await a;
    // the retry waited out the pause (deadline 30 s allows it) and then succeeded
    expect(res.status).toBe(200);
    const retryAt = transport.seen.filter((r) => r.url.endsWith('/a'));
    expect(retryAt.length).toBe(2);
  });

  it('a retry that cannot be admitted before the deadline gives up with the last answer', async () => {
    const { rf, transport, clock } = setup({ retry: { maxRetries: 2 } });
    transport.reply((r) => (r.url.endsWith('/pusher') ? { status: 503, headers: { 'Retry-After': '20' } } : { status: 502, body: 'bad' }));
    const a = rf(`${A}/a`, { resilience: { deadlineMs: 2_000 } });
    await clock.advance(1);
    await rf(`${A}/pusher`, { resilience: { retries: 0 } });
    const res = await settle(clock, a);
    expect(res.status).toBe(502);
    expect(transport.seen.filter((r) => r.url.endsWith('/a')).length).toBe(1);
  });
});

describe('item 4: per-call options are validated before anything is sent', () => {
  const bad: [string, Extra, RegExp][] = [
    ['timeoutMs 0', { timeoutMs: 0 }, /resilience\.timeoutMs.*0/],
    ['retries -1', { retries: -1 }, /resilience\.retries.*-1/],
    ['deadlineMs NaN', { deadlineMs: Number.NaN }, /resilience\.deadlineMs.*NaN/],
    ['fallback "sometimes"', { fallback: 'sometimes' }, /resilience\.fallback.*sometimes/],
    ['an unknown key', { retry: 3 }, /resilience\.retry\b.*not a known option/],
    ['throwOnReject "yes"', { throwOnReject: 'yes' }, /resilience\.throwOnReject.*yes/],
  ];
  for (const [name, options, message] of bad) {
    it(`rejects ${name} with a TypeError naming it, sending nothing`, async () => {
      const { rf, transport } = setup();
      await expect(rf(`${A}/x`, { resilience: options as never })).rejects.toThrow(message);
      await expect(rf(`${A}/x`, { resilience: options as never })).rejects.toBeInstanceOf(TypeError);
      expect(transport.count()).toBe(0);
    });
  }

  it('a deadline already past is a local rejection: synthetic 503, or ResilienceError', async () => {
    const { rf, transport } = setup();
    const res = await rf(`${A}/x`, { resilience: { deadlineMs: -5 } });
    expect(describeResponse(res)).toMatchObject({ source: 'synthetic', reason: 'deadline' });
    await expect(rf(`${A}/x`, { resilience: { deadlineMs: 0, throwOnReject: true } })).rejects.toMatchObject({ name: 'ResilienceError', reason: 'deadline' });
    expect(transport.count()).toBe(0);
  });
});

describe('item 6: any response the network gives is passed on', () => {
  it('a status-0 answer after a retry does not throw', async () => {
    const clock = new FakeClock();
    let n = 0;
    const opaque = () => Response.error(); // status 0, as an opaque or error response is
    const fetch = async () => (n++ === 0 ? new Response(null, { status: 503 }) : opaque());
    const rf = createResilientFetch({ fetch, clock, random: () => 0.5 });
    const res = await settle(clock, rf(`${A}/x`));
    expect(res.status).toBe(0);
  });
});

describe('item 7: aborting after the headers arrived errors the body', () => {
  it('the caller abort errors a body still being read and cancels the upstream stream', async () => {
    const clock = new FakeClock();
    let cancelled = false;
    // As fetch does: aborting the request's signal after the headers errors the body stream.
    const fetch = async (_: RequestInfo | URL, init?: RequestInit) => {
      let source!: ReadableStreamDefaultController<Uint8Array>;
      const body = new ReadableStream<Uint8Array>({ start(c) { source = c; }, cancel() { cancelled = true; } });
      init?.signal?.addEventListener('abort', () => { cancelled = true; source.error(init.signal!.reason); });
      return new Response(body, { status: 200 });
    };
    const rf = createResilientFetch({ fetch, clock });
    const controller = new AbortController();
    const res = await rf(`${A}/x`, { signal: controller.signal });
    const reading = res.text();
    controller.abort();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(cancelled).toBe(true);
  });

  it('after the body is done, an abort changes nothing', async () => {
    const clock = new FakeClock();
    const rf = createResilientFetch({ fetch: async () => new Response('whole'), clock });
    const controller = new AbortController();
    const res = await rf(`${A}/x`, { signal: controller.signal });
    expect(await res.text()).toBe('whole');
    controller.abort();
  });
});

describe('item 8: request bodies past maxBufferedBodyBytes', () => {
  it('a Request body over the limit is sent once as bytes (no stream, no duplex) and not retried', async () => {
    const { rf, transport, clock } = setup({ retry: { maxBufferedBodyBytes: 8 } });
    const seenInits: RequestInit[] = [];
    const fetch = transport.fetch;
    const spy = (input: RequestInfo | URL, init?: RequestInit) => { seenInits.push(init ?? {}); return fetch(input, init); };
    const rf2 = createResilientFetch({ fetch: spy, clock, random: () => 0.5, policy: { defaults: { retry: { maxBufferedBodyBytes: 8 } } } });
    void rf;
    transport.sequence({ status: 503 });
    const body = 'x'.repeat(100);
    const request = new Request(`${A}/upload`, { method: 'PUT', body });
    const res = await settle(clock, rf2(request));
    expect(res.status).toBe(503);
    expect(transport.count()).toBe(1);
    expect(transport.seen[0]!.body).toBe(body);
    expect(seenInits[0]!.body instanceof ReadableStream).toBe(false);
    expect((seenInits[0] as { duplex?: string }).duplex).toBeUndefined();
  });

  it('a body within the limit is replayed byte for byte, also where Request has no body property (Firefox)', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, 'body')!;
    Object.defineProperty(Request.prototype, 'body', { configurable: true, get: () => undefined });
    try {
      const { rf, transport, clock } = setup();
      transport.sequence({ status: 503 }, { status: 200 });
      const request = new Request(`${A}/upload`, { method: 'PUT', body: 'exact bytes' });
      const res = await settle(clock, rf(request));
      expect(res.status).toBe(200);
      expect(transport.seen.map((r) => r.body)).toEqual(['exact bytes', 'exact bytes']);
    } finally {
      Object.defineProperty(Request.prototype, 'body', descriptor);
    }
  });
});

describe('item 13: bounded memory', () => {
  it('the resolved policy holds one entry per named origin, not per origin seen', () => {
    const policy = new ResolvedPolicy({ maxOrigins: 4, origins: { 'https://named.test': { timeoutMs: 5 } } });
    for (let i = 0; i < 1_000; i++) policy.for(`https://o${i}.test`);
    expect((policy as unknown as { named: Map<string, unknown> }).named.size).toBe(1);
    expect(policy.for('https://o999.test')).toBe(policy.for('https://o1.test')); // the shared defaults
    expect(policy.for('https://named.test').timeoutMs).toBe(5);
  });

  it('a state store that fails to load is reported as a degraded event and a log line, and calls go on', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const events: ResilienceEvent[] = [];
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const store = { load: async () => { throw new Error('db gone'); }, save: async () => {} };
    const rf = createResilientFetch({ fetch: transport.fetch, clock, store, onEvent: (e) => events.push(e) });
    expect((await settle(clock, rf(`${A}/x`))).status).toBe(200);
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'state-store' }));
    expect(errors).toHaveBeenCalled();
    errors.mockRestore();
  });
});
