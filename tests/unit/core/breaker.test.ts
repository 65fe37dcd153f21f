import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse, type ResilienceEvent } from '../../../src/core/index.js';
import { A, B, FakeClock, FakeTransport, MemoryStore } from './fakes.js';

function setup(breaker: Record<string, number> = {}, extra: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const events: ResilienceEvent[] = [];
  const store = new MemoryStore();
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    random: () => 0.5,
    store,
    onEvent: (e) => events.push(e),
    policy: {
      defaults: {
        retry: { maxRetries: 0 },
        breaker: { windowMs: 10_000, minimumCalls: 4, failureRateThreshold: 0.5, openMs: 1_000, maxOpenMs: 3_000, ...breaker },
        ...extra,
      },
    },
  });
  return { clock, transport, events, rf, store };
}

const state = (rf: ReturnType<typeof setup>['rf'], origin = A) => rf.snapshot().find((s) => s.origin === origin)?.breaker.state;

describe('circuit breaker', () => {
  it('opens once the failure rate reaches the threshold over the minimum calls, then rejects locally', async () => {
    const { rf, transport, events } = setup();
    transport.sequence({ status: 200 }, { status: 500 }, { status: 200 }, { status: 500 });
    for (let i = 0; i < 3; i++) await rf(`${A}/x`);
    expect(state(rf)).toBe('closed'); // 1 failure of 3: below minimumCalls anyway
    await rf(`${A}/x`); // 2 of 4 = 0.5
    expect(state(rf)).toBe('open');
    const rejected = await rf(`${A}/x`);
    expect(rejected.status).toBe(503);
    expect(describeResponse(rejected)).toMatchObject({ source: 'synthetic', reason: 'circuit-open', attempts: 0 });
    expect(rejected.headers.get('Retry-After')).toBe('1');
    expect(transport.count()).toBe(4);
    expect(events.filter((e) => e.type === 'breaker')).toMatchObject([{ from: 'closed', to: 'open', origin: A }]);
  });

  it('answers each rejection with a response of its own, whose headers nothing else shares', async () => {
    const { rf, transport } = setup();
    transport.reply(() => ({ status: 500 }));
    for (let i = 0; i < 4; i++) await rf(`${A}/x`);
    const first = await rf(`${A}/x`);
    first.headers.set('X-Seen-By', 'app');
    const second = await rf(`${A}/x`);
    expect(second).not.toBe(first);
    expect(second.headers.get('X-Seen-By')).toBeNull();
    expect(describeResponse(second)).toMatchObject({ source: 'synthetic', reason: 'circuit-open', attempts: 0 });
    expect(second.headers.get('X-Resilience-Attempts')).toBeNull(); // nothing was sent: no header to clone
    expect(second.headers.get('Retry-After')).not.toBeNull();
  });

  it('judges only within the sliding window', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 500 }, { status: 500 }, { status: 200 });
    await rf(`${A}/x`);
    await rf(`${A}/x`);
    await clock.advance(11_000); // both failures leave the window
    for (let i = 0; i < 3; i++) await rf(`${A}/x`);
    expect(state(rf)).toBe('closed');
  });

  it('never trips on 4xx (other than 408/429) or 501', async () => {
    const { rf, transport } = setup();
    transport.sequence({ status: 404 }, { status: 400 }, { status: 501 }, { status: 403 }, { status: 422 });
    for (let i = 0; i < 8; i++) await rf(`${A}/x`);
    expect(state(rf)).toBe('closed');
    expect(rf.snapshot()[0]?.breaker.failures).toBe(0);
  });

  it('counts 408, 429, timeouts and network errors as failures', async () => {
    const { rf, transport, clock } = setup({ minimumCalls: 4, failureRateThreshold: 1 }, { timeoutMs: 100 });
    transport.sequence({ status: 408 }, { status: 429 }, 'network-error', 'hang');
    await rf(`${A}/x`);
    await rf(`${A}/x`);
    await expect(rf(`${A}/x`)).rejects.toThrow(TypeError);
    const hung = rf(`${A}/x`).catch((e: unknown) => e);
    await clock.advance(100);
    expect(((await hung) as Error).name).toBe('TimeoutError');
    expect(state(rf)).toBe('open');
  });

  it('opens on slow calls at the slow-call rate threshold', async () => {
    const { rf, transport, clock } = setup({ slowCallMs: 50, slowCallRateThreshold: 0.75 });
    transport.reply(() => ({ status: 200, delayMs: 60 }));
    for (let i = 0; i < 4; i++) {
      const p = rf(`${A}/x`);
      await clock.advance(60);
      expect((await p).status).toBe(200);
    }
    expect(state(rf)).toBe('open');
  });

  it('goes half-open after the open period, lets exactly halfOpenProbes through, and closes when they succeed', async () => {
    const { rf, transport, clock } = setup({ halfOpenProbes: 2 });
    transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await rf(`${A}/x`);
    expect(state(rf)).toBe('open');
    await clock.advance(1_000);
    expect(state(rf)).toBe('half-open');
    transport.reply(() => ({ status: 200, delayMs: 10 }));
    const probes = [rf(`${A}/p1`), rf(`${A}/p2`)];
    const third = await rf(`${A}/p3`); // both trial slots are taken
    expect(describeResponse(third).reason).toBe('circuit-open');
    await clock.advance(10);
    expect((await Promise.all(probes)).map((r) => r.status)).toEqual([200, 200]);
    expect(state(rf)).toBe('closed');
    expect(transport.seen.filter((r) => r.url.includes('/p')).map((r) => r.url)).toEqual([`${A}/p1`, `${A}/p2`]);
  });

  it('re-opens when a probe fails, doubling the open period up to maxOpenMs', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await rf(`${A}/x`);
    const periods: number[] = [];
    for (let trip = 0; trip < 3; trip++) {
      const snap = rf.snapshot()[0]!.breaker;
      periods.push(snap.openUntil! - clock.now());
      await clock.advance(snap.openUntil! - clock.now());
      await rf(`${A}/probe`); // fails: re-trip
    }
    expect(periods).toEqual([750, 1_500, 2_250]); // 1 s, 2 s, 3 s, each shortened by jitter (random 0.5 → × 0.75)
    expect(rf.snapshot()[0]!.breaker.openMs).toBe(3_000);
  });

  it('spreads open periods between half and all of the period, so clients do not probe in step', async () => {
    for (const [random, expected] of [[0, 1_000], [0.999, 500]] as const) {
      const clock = new FakeClock();
      const transport = new FakeTransport(clock).sequence({ status: 500 });
      const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => random, policy: { defaults: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 2, openMs: 1_000 } } } });
      for (let i = 0; i < 2; i++) await rf(`${A}/x`);
      expect(rf.snapshot()[0]!.breaker.openUntil! - clock.now()).toBe(expected);
    }
  });

  it('stays open exactly as long as the server said (Retry-After), not for its own doubled period', async () => {
    const { rf, transport, clock } = setup({ minimumCalls: 1, openMs: 5_000, maxOpenMs: 60_000 });
    transport.sequence({ status: 503, headers: { 'Retry-After': '2' } });
    await rf(`${A}/x`, { resilience: { fallback: 'none' } });
    expect(state(rf)).toBe('open');
    expect(rf.snapshot()[0]!.breaker.openUntil! - clock.now()).toBe(2_000); // not our own 5 s
    await clock.advance(2_000);
    transport.sequence({ status: 429, headers: { 'Retry-After': '2' } });
    await rf(`${A}/probe`); // the probe fails with the server asking for 2 s again: not 10 s doubled
    expect(state(rf)).toBe('open');
    expect(rf.snapshot()[0]!.breaker.openUntil! - clock.now()).toBe(2_000);
    await clock.advance(2_000);
    transport.sequence({ status: 200 });
    expect((await rf(`${A}/probe`)).status).toBe(200);
    expect(state(rf)).toBe('closed');
  });

  it('treats a half-open probe that times out as a failure', async () => {
    const { rf, transport, clock } = setup({}, { timeoutMs: 200 });
    transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await rf(`${A}/x`);
    await clock.advance(1_000);
    transport.reply(() => 'hang');
    const probe = rf(`${A}/probe`).catch((e: unknown) => e);
    await clock.advance(200);
    expect(((await probe) as Error).name).toBe('TimeoutError');
    expect(transport.seen.at(-1)!.aborted).toBe(true);
    expect(state(rf)).toBe('open');
    expect(rf.snapshot()[0]!.breaker.openUntil! - clock.now()).toBe(1_500); // 2 s doubled period × 0.75 jitter
  });

  it('hands the probe back when the caller aborts it', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await rf(`${A}/x`);
    await clock.advance(1_000);
    transport.reply(() => 'hang');
    const controller = new AbortController();
    const probe = rf(`${A}/probe`, { signal: controller.signal }).catch((e: unknown) => e);
    await clock.advance(1);
    controller.abort();
    expect(((await probe) as Error).name).toBe('AbortError');
    expect(state(rf)).toBe('half-open');
    transport.reply(() => ({ status: 200 }));
    expect((await rf(`${A}/probe2`)).status).toBe(200);
    expect(state(rf)).toBe('closed');
  });

  it('keeps origins apart', async () => {
    const { rf, transport } = setup();
    transport.reply((r) => ({ status: r.url.startsWith(A) ? 500 : 200 }));
    for (let i = 0; i < 4; i++) {
      await rf(`${A}/x`);
      await rf(`${B}/x`);
    }
    expect(state(rf, A)).toBe('open');
    expect(state(rf, B)).toBe('closed');
    expect((await rf(`${B}/x`)).status).toBe(200);
  });

  it('persists transitions and resumes an open breaker after a restart', async () => {
    const first = setup();
    first.transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await first.rf(`${A}/x`);
    await first.rf.settled();
    expect(first.store.states.get(A)?.breaker.state).toBe('open');

    // A new engine on the same store: the worker after the browser stopped it.
    const clock = first.clock;
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, store: first.store, policy: { defaults: { breaker: { openMs: 1_000 } } } });
    const rejected = await rf(`${A}/x`);
    expect(describeResponse(rejected).reason).toBe('circuit-open');
    expect(transport.count()).toBe(0);
  });

  it('lets a probe through when restored after the open period has passed', async () => {
    const first = setup();
    first.transport.sequence({ status: 500 });
    for (let i = 0; i < 4; i++) await first.rf(`${A}/x`);
    await first.rf.settled();
    await first.clock.advance(5_000);
    const transport = new FakeTransport(first.clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock: first.clock, store: first.store, policy: { defaults: { breaker: { openMs: 1_000 } } } });
    await rf.ready();
    expect(rf.snapshot()[0]!.breaker.state).toBe('half-open');
    expect((await rf(`${A}/x`)).status).toBe(200);
    expect(rf.snapshot()[0]!.breaker.state).toBe('closed');
    expect(transport.count()).toBe(1);
  });
});
