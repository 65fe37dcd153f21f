import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse, type ResilienceEvent } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport, MemoryCache } from './fakes.js';

function setup(extra: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const cache = new MemoryCache(clock);
  const events: ResilienceEvent[] = [];
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    cache,
    onEvent: (e) => events.push(e),
    policy: { defaults: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 10_000, maxOpenMs: 60_000 }, maxStaleMs: 60_000, ...extra } },
  });
  return { clock, transport, cache, rf, events };
}

describe('stale-if-error fallback', () => {
  it('stores good GET responses and serves them, with Age, when the upstream fails', async () => {
    const { rf, transport, clock, events } = setup();
    transport.sequence({ status: 200, body: 'v1', headers: { 'X-Upstream': 'yes' } }, { status: 503 });
    expect(await (await rf(`${A}/data`)).text()).toBe('v1');
    await rf.settled();
    await clock.advance(42_000);
    const stale = await rf(`${A}/data`);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe('v1');
    expect(stale.headers.get('X-Upstream')).toBe('yes');
    expect(describeResponse(stale)).toMatchObject({ source: 'cache', reason: 'upstream-error', ageSeconds: 42, stale: true });
    expect(events.find((e) => e.type === 'fallback')).toMatchObject({ reason: 'upstream-error', ageMs: 42_000 });
  });

  it('serves the stored copy on a local rejection (open breaker) without touching the network', async () => {
    const { rf, transport } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 500 });
    await (await rf(`${A}/data`)).text();
    await rf.settled();
    await rf(`${A}/data`);
    await rf(`${A}/data`); // two failures of three: open
    const before = transport.count();
    const res = await rf(`${A}/data`);
    expect(describeResponse(res)).toMatchObject({ source: 'cache', reason: 'circuit-open' });
    expect(transport.count()).toBe(before);
  });

  it('serves on network errors and timeouts instead of rejecting', async () => {
    const { rf, transport, clock } = setup({ timeoutMs: 100, breaker: { minimumCalls: 10 } });
    transport.sequence({ status: 200, body: 'v1' }, 'network-error', 'hang');
    await (await rf(`${A}/d`)).text();
    await rf.settled();
    expect(describeResponse(await rf(`${A}/d`)).reason).toBe('network-error');
    const timedOut = rf(`${A}/d`);
    await clock.advance(100);
    expect(describeResponse(await timedOut).reason).toBe('timeout');
  });

  it('does not serve copies older than maxStaleMs', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 503 });
    await (await rf(`${A}/d`)).text();
    await rf.settled();
    await clock.advance(61_000);
    const res = await rf(`${A}/d`);
    expect(res.status).toBe(503);
    expect(describeResponse(res).source).toBe('network');
    expect(describeResponse(await rf(`${A}/d`, { resilience: { maxStaleMs: 120_000 } })).source).toBe('cache');
  });

  it('respects fallback: none per call and per origin', async () => {
    const { rf, transport } = setup();
    transport.sequence({ status: 200, body: 'v1' }, { status: 503 });
    await (await rf(`${A}/d`)).text();
    await rf.settled();
    expect((await rf(`${A}/d`, { resilience: { fallback: 'none' } })).status).toBe(503);
  });

  it('never stores or serves for non-GET requests, and never stores non-200s', async () => {
    const { rf, transport, cache } = setup();
    transport.sequence({ status: 201 }, { status: 200 }, { status: 204 });
    await rf(`${A}/p`, { method: 'PUT', body: 'x' });
    await rf(`${A}/q`, { method: 'POST', body: 'x' });
    await rf(`${A}/r`);
    await rf.settled();
    expect(cache.entries.size).toBe(0);
  });

  it('throws ResilienceError on a local rejection with nothing stored when throwOnReject is set', async () => {
    const { rf, transport } = setup();
    transport.sequence({ status: 500 });
    await rf(`${A}/a`);
    await rf(`${A}/a`);
    await expect(rf(`${A}/a`, { resilience: { throwOnReject: true } })).rejects.toMatchObject({ name: 'ResilienceError', reason: 'circuit-open' });
  });

  it("gives a ResilienceError's retryAfterMs in the whole seconds of the synthetic answer's Retry-After, as the worker can", async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 500 });
    await rf(`${A}/a`);
    await rf(`${A}/a`); // the breaker opens
    await clock.advance(250);
    const seconds = Number((await rf(`${A}/a`)).headers.get('Retry-After'));
    expect(seconds).toBeGreaterThan(0);
    await expect(rf(`${A}/a`, { resilience: { throwOnReject: true } })).rejects.toMatchObject({ reason: 'circuit-open', retryAfterMs: seconds * 1000 });
    // A POST has nothing to fall back to: refused before anything is planned, the same error.
    await expect(rf(`${A}/a`, { method: 'POST', body: 'x', resilience: { throwOnReject: true } })).rejects.toMatchObject({ reason: 'circuit-open', retryAfterMs: seconds * 1000 });
  });
});
