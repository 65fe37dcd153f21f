import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { A, B, FakeClock, FakeTransport } from './fakes.js';

describe('rate limit', () => {
  it('lets a burst through, then refills at perSecond, rejecting locally in between', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { defaults: { rateLimit: { perSecond: 2, burst: 3 } } } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await rf(`${A}/${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 503, 503]);
    const limited = await rf(`${A}/x`);
    expect(describeResponse(limited).reason).toBe('rate-limited');
    expect(limited.headers.get('Retry-After')).toBe('1');
    await clock.advance(500);
    expect((await rf(`${A}/y`)).status).toBe(200);
    expect((await rf(`${A}/z`)).status).toBe(503);
    expect(transport.count()).toBe(4);
    expect((await rf(`${B}/other-origin`)).status).toBe(200);
  });
});

describe('adaptive throttling', () => {
  it('rejects with probability (requests - k·accepts) / (requests + 1) when the backend stops accepting', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    let roll = 0.999;
    const rf = createResilientFetch({
      fetch: transport.fetch,
      clock,
      random: () => roll,
      policy: { defaults: { throttle: { k: 2, windowMs: 60_000, minimumRequests: 0 }, retry: { maxRetries: 0 }, breaker: { minimumCalls: 1_000 } } },
    });
    for (let i = 0; i < 9; i++) await rf(`${A}/${i}`); // 9 answered requests, 0 accepts
    expect(rf.snapshot()[0]!.throttleProbability).toBeCloseTo(9 / 10);
    roll = 0.89; // below 0.9: rejected locally
    expect(describeResponse(await rf(`${A}/x`)).reason).toBe('throttled');
    expect(transport.count()).toBe(9);
    roll = 0.95; // above 0.9 (the refused call never reached the backend, so it is not counted): sent
    transport.reply(() => ({ status: 200 }));
    expect((await rf(`${A}/y`)).status).toBe(200);
    // accepts pull the probability down: (10 - 2·1) / 11
    expect(rf.snapshot()[0]!.throttleProbability).toBeCloseTo(8 / 11);
  });

  it('does not judge before minimumRequests answers: two failures on a fresh origin refuse nothing', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, policy: { defaults: { retry: { maxRetries: 0 } } } });
    for (let i = 0; i < 9; i++) await rf(`${A}/${i}`);
    expect(rf.snapshot()[0]!.throttleProbability).toBe(0); // the default throttle waits for 10 answers
    await rf(`${A}/9`);
    expect(rf.snapshot()[0]!.throttleProbability).toBeCloseTo(10 / 11);
  });

  it('never rejects while the backend accepts', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, policy: { defaults: { throttle: { k: 2, windowMs: 60_000 } } } });
    for (let i = 0; i < 50; i++) expect((await rf(`${A}/${i}`)).status).toBe(200);
    expect(rf.snapshot()[0]!.throttleProbability).toBe(0);
  });
});

describe('offline', () => {
  it('rejects locally while offline and counts no failures', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => 'network-error');
    let online = true;
    const rf = createResilientFetch({ fetch: transport.fetch, clock, isOnline: () => online, policy: { defaults: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 2 } } } });
    online = false;
    const res = await rf(`${A}/x`);
    expect(describeResponse(res)).toMatchObject({ source: 'synthetic', reason: 'offline' });
    expect(transport.count()).toBe(0);
    // Went offline mid-call: the failure is not held against the origin.
    transport.reply(() => {
      online = false;
      return 'network-error';
    });
    online = true;
    await expect(rf(`${A}/y`)).rejects.toThrow(TypeError);
    online = true;
    await expect(rf(`${A}/z`)).rejects.toThrow(TypeError);
    expect(rf.snapshot()[0]!.breaker).toMatchObject({ state: 'closed', failures: 0 });
  });

  it('counts an answer that arrives while the device reports offline (only failures are excused)', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    let online = true;
    const rf = createResilientFetch({ fetch: transport.fetch, clock, isOnline: () => online, policy: { defaults: { retry: { maxRetries: 0 } } } });
    transport.reply(() => {
      online = false; // the radio dropped after the request went out, and the answer still came
      return { status: 200 };
    });
    expect((await rf(`${A}/x`)).status).toBe(200);
    expect(rf.snapshot()[0]!.breaker).toMatchObject({ calls: 1, failures: 0 });
  });
});

describe('origin registry', () => {
  it('drops the least recently used origin past maxOrigins', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const evicted: string[] = [];
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { maxOrigins: 2 }, onEvent: (e) => e.type === 'evicted' && evicted.push(e.origin) });
    await rf('https://one.test/');
    await rf('https://two.test/');
    await rf('https://one.test/again'); // one is now the most recent
    await rf('https://three.test/');
    expect(evicted).toEqual(['https://two.test']);
    expect(rf.snapshot().map((s) => s.origin)).toEqual(['https://one.test', 'https://three.test']);
  });

  it('forgets an origin evicted as soon as it came (every other one busy), call after call', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply((r) => (r.url.startsWith('https://busy.test') ? 'hang' : { status: 200 }));
    const evicted: string[] = [];
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { maxOrigins: 1 }, onEvent: (e) => e.type === 'evicted' && evicted.push(e.origin) });
    void rf('https://busy.test/').catch(() => undefined);
    await clock.advance(0);
    expect((await rf('https://other.test/a')).status).toBe(200);
    expect((await rf('https://other.test/b')).status).toBe(200);
    expect(evicted).toEqual(['https://other.test', 'https://other.test']);
    expect(rf.snapshot().map((s) => s.origin)).toEqual(['https://busy.test']);
  });

  it('keys by scheme, host and port', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock });
    await rf('https://Example.test:443/a');
    await rf('https://example.test/b?x=1');
    await rf('http://example.test/c');
    await rf('https://example.test:8443/d');
    expect(rf.snapshot().map((s) => s.origin).sort()).toEqual(['http://example.test', 'https://example.test', 'https://example.test:8443']);
  });

  it('sends bypass calls straight through', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({ fetch: transport.fetch, clock });
    expect((await rf(`${A}/x`, { resilience: { bypass: true } })).status).toBe(503);
    expect(transport.count()).toBe(1);
    expect(rf.snapshot()).toEqual([]);
  });
});
