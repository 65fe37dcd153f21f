import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';
import { seededRandom } from '../../../bench/lib/seeded-random.js';


describe('retry budget', () => {
  it('caps what a failing upstream sees at calls × (1 + budgetRatio) plus the floor, for any traffic', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const clock = new FakeClock();
      const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
      const ratio = [0.1, 0.2, 0.5][seed % 3]!;
      const minPerSecond = seed % 4;
      const windowMs = 10_000;
      const rf = createResilientFetch({
        fetch: transport.fetch,
        clock,
        random,
        policy: {
          defaults: {
            breaker: { minimumCalls: 1_000_000, windowMs }, // keep the breaker and the throttle out of it: budget alone
            throttle: false,
            concurrency: { maxInFlight: 1_000, maxQueue: 1_000 },
            retry: { maxRetries: 1 + (seed % 5), baseDelayMs: 10, maxDelayMs: 50, budgetRatio: ratio, budgetMinPerSecond: minPerSecond },
          },
        },
      });
      const durationMs = 20_000 + Math.floor(random() * 20_000);
      let calls = 0;
      const pending: Promise<Response>[] = [];
      for (let t = 0; t < durationMs; t += 100) {
        const burst = Math.floor(random() * 6); // 0 to 50 calls a second, bursty
        for (let i = 0; i < burst; i++, calls++) pending.push(rf(`${A}/${calls}`));
        await clock.advance(100);
      }
      await clock.advance(1_000);
      await Promise.all(pending);
      const seconds = Math.ceil((durationMs + 1_000) / 1_000);
      const floor = minPerSecond * (seconds + 1) + Math.ceil((durationMs + 1_000) / windowMs) + 1;
      expect(transport.count(), `seed ${seed}`).toBeLessThanOrEqual(calls * (1 + ratio) + floor);
      expect(transport.count(), `seed ${seed}: retries did happen`).toBeGreaterThan(calls);
    }
  }, 30_000); // ~1 s here; 20 simulated runs of up to 41 s each, so allow for a loaded CI machine

  it('marks a call that wanted a retry the budget refused', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({
      fetch: transport.fetch,
      clock,
      policy: { defaults: { retry: { budgetRatio: 0, budgetMinPerSecond: 1, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { minimumCalls: 100 } } },
    });
    const first = rf(`${A}/1`);
    await clock.advance(10);
    expect(describeResponse(await first)).toMatchObject({ attempts: 2, reason: 'budget-exhausted' }); // one floor token
    const second = rf(`${A}/2`);
    await clock.advance(10);
    expect(describeResponse(await second)).toMatchObject({ attempts: 1, reason: 'budget-exhausted' });
    await clock.advance(1_000); // the floor refills
    expect(rf.snapshot()[0]!.retryBudget).toBe(1);
  });

  it('lets a quiet origin retry a call fully from the floor', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 503 }, { status: 503 }, { status: 200 });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0 });
    const res = rf(`${A}/1`);
    await clock.advance(10);
    expect((await res).status).toBe(200);
    expect(transport.count()).toBe(3);
  });
});

describe('retry budget floor below one per second', () => {
  it('budgetMinPerSecond 0.1 allows one retry per 10 s, not none', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({
      fetch: transport.fetch, clock, random: () => 0,
      policy: { defaults: { throttle: false, breaker: { minimumCalls: 1_000 }, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, budgetRatio: 0, budgetMinPerSecond: 0.1 } } },
    });
    const sends = async () => {
      const before = transport.count();
      const call = rf(`${A}/x`);
      await clock.advance(10);
      await call;
      return transport.count() - before;
    };
    expect(await sends()).toBe(2); // the floor's one token
    expect(await sends()).toBe(1); // spent
    await clock.advance(10_000);
    expect(await sends()).toBe(2); // refilled after 10 s
  });
});
