import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse, type ResilienceEvent } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

function setup(retry: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, random = () => 0.5) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const events: ResilienceEvent[] = [];
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    random,
    onEvent: (e) => events.push(e),
    policy: { defaults: { retry: { baseDelayMs: 100, maxDelayMs: 1_000, ...retry }, breaker: { minimumCalls: 100 }, ...extra } },
  });
  return { clock, transport, rf, events };
}

/** Send a call and advance the fake clock until it settles. */
async function settle<T>(clock: FakeClock, promise: Promise<T>, stepMs = 10, maxMs = 60_000): Promise<T> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  for (let t = 0; !done && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return promise;
}

const delays = (events: ResilienceEvent[]) => events.flatMap((e) => (e.type === 'retry' ? [e.delayMs] : []));

describe('retries', () => {
  it('retries a 503 with full jitter and succeeds, marking the attempts', async () => {
    const { rf, transport, clock, events } = setup();
    transport.sequence({ status: 503 }, { status: 503 }, { status: 200, body: 'fine' });
    const res = await settle(clock, rf(`${A}/x`));
    expect(await res.text()).toBe('fine');
    expect(describeResponse(res)).toMatchObject({ source: 'network', attempts: 3 });
    expect(delays(events)).toEqual([50, 100]); // random 0.5 × 100, × 200
  });

  it('uses exponential delays without jitter, capped at maxDelayMs', async () => {
    const { rf, transport, clock, events } = setup({ jitter: 'none', maxRetries: 5, baseDelayMs: 300, budgetReserve: 100 });
    transport.sequence({ status: 500 });
    const res = await settle(clock, rf(`${A}/x`));
    expect(res.status).toBe(500);
    expect(delays(events)).toEqual([300, 600, 1_000, 1_000, 1_000]);
  });

  it('grows decorrelated jitter from the previous delay', async () => {
    const { rf, transport, clock, events } = setup({ jitter: 'decorrelated', maxRetries: 3, budgetReserve: 100 }, {}, () => 1);
    transport.sequence({ status: 500 });
    await settle(clock, rf(`${A}/x`));
    expect(delays(events)).toEqual([300, 900, 1_000]); // min(max, 3 × previous) with random = 1
  });

  it('returns the final 5xx as it is when retries run out', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 502, body: 'bad gateway' });
    const res = await settle(clock, rf(`${A}/x`));
    expect(res.status).toBe(502);
    expect(await res.text()).toBe('bad gateway');
    expect(describeResponse(res)).toMatchObject({ attempts: 3, reason: 'upstream-error' });
    expect(transport.count()).toBe(3);
  });

  it('rejects with a TypeError, as fetch does, when the network keeps failing', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence('network-error');
    await expect(settle(clock, rf(`${A}/x`))).rejects.toThrow(TypeError);
    expect(transport.count()).toBe(3);
  });

  it('sends a POST without Idempotency-Key exactly once', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 });
    const res = await settle(clock, rf(`${A}/x`, { method: 'POST', body: 'payload' }));
    expect(res.status).toBe(503);
    expect(transport.count()).toBe(1);
  });

  // An empty key identifies nothing: a server cannot tell the resend from a new write (Headers
  // trims whitespace, so '   ' is '' too). The outbox already gives such a write a key of its own.
  for (const key of ['', '   ']) it(`sends a POST whose Idempotency-Key is ${JSON.stringify(key)} exactly once`, async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 });
    const res = await settle(clock, rf(`${A}/x`, { method: 'POST', body: 'payload', headers: { 'Idempotency-Key': key } }));
    expect(res.status).toBe(503);
    expect(transport.count()).toBe(1);
  });

  it('retries a POST with Idempotency-Key and replays the same bytes', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 }, { status: 201 });
    const res = await settle(clock, rf(`${A}/x`, { method: 'POST', body: 'payload-1', headers: { 'Idempotency-Key': 'k1' } }));
    expect(res.status).toBe(201);
    expect(transport.seen.map((r) => r.body)).toEqual(['payload-1', 'payload-1']);
  });

  it('buffers a Request body once and replays it byte for byte', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 }, { status: 503 }, { status: 200 });
    const body = JSON.stringify({ n: 1, text: 'ünïcødé' });
    const request = new Request(`${A}/x`, { method: 'PUT', body });
    await settle(clock, rf(request));
    expect(transport.seen.map((r) => r.body)).toEqual([body, body, body]);
  });

  it('freezes FormData so every attempt sends the same multipart body', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 }, { status: 200 });
    const form = new FormData();
    form.set('name', 'value');
    await settle(clock, rf(`${A}/x`, { method: 'PUT', body: form }));
    expect(transport.seen[0]!.body).toBe(transport.seen[1]!.body);
    expect(transport.seen[0]!.headers.get('content-type')).toBe(transport.seen[1]!.headers.get('content-type'));
  });

  it('never retries a streaming body', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 });
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode('s')), c.close()) });
    await settle(clock, rf(`${A}/x`, { method: 'PUT', body: stream, duplex: 'half' } as RequestInit));
    expect(transport.count()).toBe(1);
  });

  it('sends a body over maxBufferedBodyBytes whole, once', async () => {
    const { rf, transport, clock } = setup({ maxBufferedBodyBytes: 4 });
    transport.sequence({ status: 503 });
    await settle(clock, rf(new Request(`${A}/x`, { method: 'PUT', body: 'too long a body' })));
    expect(transport.seen.map((r) => r.body)).toEqual(['too long a body']);
  });

  it('retries a non-idempotent method when resilience.idempotent is set', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 }, { status: 200 });
    await settle(clock, rf(`${A}/x`, { method: 'POST', body: 'b', resilience: { idempotent: true } }));
    expect(transport.count()).toBe(2);
  });

  it('honours Retry-After in seconds and as an HTTP date, capped by maxRetryAfterMs', async () => {
    const { rf, transport, clock, events } = setup({ maxRetryAfterMs: 5_000 });
    transport.reply((_, n) => {
      if (n === 0) return { status: 500, headers: { 'Retry-After': '2' } };
      if (n === 1) return { status: 500, headers: { 'Retry-After': new Date(clock.now() + 3_000).toUTCString() } };
      return { status: 200 };
    });
    await settle(clock, rf(`${A}/x`));
    expect(delays(events)[0]).toBe(2_000);
    expect(delays(events)[1]).toBeGreaterThan(2_000); // second precision of HTTP dates
    expect(delays(events)[1]).toBeLessThanOrEqual(3_000);

    const capped = setup({ maxRetryAfterMs: 1_500 });
    capped.transport.sequence({ status: 500, headers: { 'RateLimit-Reset': '60' } }, { status: 200 });
    await settle(capped.clock, capped.rf(`${A}/x`));
    expect(delays(capped.events)).toEqual([1_500]);
  });

  it('does not make a retry that would end past the deadline', async () => {
    const { rf, transport, clock } = setup({ jitter: 'none', baseDelayMs: 500 }, { deadlineMs: 300 });
    transport.sequence({ status: 503 });
    const res = await settle(clock, rf(`${A}/x`));
    expect(res.status).toBe(503);
    expect(describeResponse(res).reason).toBe('deadline');
    expect(transport.count()).toBe(1);
  });

  it('aborts during backoff without another attempt', async () => {
    const { rf, transport, clock } = setup({ jitter: 'none', baseDelayMs: 1_000 });
    transport.sequence({ status: 503 });
    const controller = new AbortController();
    const call = rf(`${A}/x`, { signal: controller.signal });
    await clock.advance(10);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(10_000); // the attempt timeout's timer, left to fire (deadline-timer.ts), is gone by then
    expect(transport.count()).toBe(1);
    expect(clock.pendingTimers).toBe(0);
  });

  it('aborts the in-flight attempt with the per-attempt timeout, and retries', async () => {
    const { rf, transport, clock } = setup({ jitter: 'none' }, { timeoutMs: 1_000 });
    transport.sequence('hang', { status: 200, body: 'second' });
    const res = await settle(clock, rf(`${A}/x`));
    expect(await res.text()).toBe('second');
    expect(transport.seen[0]!.aborted).toBe(true);
  });

  it('uses per-call retries and timeoutMs', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 });
    await settle(clock, rf(`${A}/x`, { resilience: { retries: 0 } }));
    expect(transport.count()).toBe(1);
  });

  it('pauses the whole origin on 429 with Retry-After', async () => {
    const { rf, transport, clock, events } = setup({ maxRetries: 0 });
    transport.sequence({ status: 429, headers: { 'Retry-After': '3' } }, { status: 200 });
    expect((await rf(`${A}/x`)).status).toBe(429);
    const paused = await rf(`${A}/y`);
    expect(describeResponse(paused)).toMatchObject({ source: 'synthetic', reason: 'paused' });
    expect(paused.headers.get('Retry-After')).toBe('3');
    expect(events.some((e) => e.type === 'paused')).toBe(true);
    await clock.advance(3_000);
    expect((await rf(`${A}/z`)).status).toBe(200);
    expect(transport.count()).toBe(2);
  });

  it('passes a first-attempt network response through untouched', async () => {
    const { rf, transport } = setup();
    const original = new Response('body', { status: 200, headers: { 'X-Custom': '1' } });
    transport.reply(() => ({ status: 200 }));
    const wrapped = createResilientFetch({ fetch: async () => original });
    expect(await wrapped(`${A}/x`)).toBe(original);
    void rf;
    void transport;
  });
});
