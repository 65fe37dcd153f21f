import { describe, expect, it } from 'vitest';
import { createResilientFetch, DEFAULT_POLICY, describeResponse } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';
import { seededRandom } from '../../../bench/lib/seeded-random.js';


describe('retry budget', () => {
  it('caps what a failing upstream sees at calls × (1 + budgetRatio) plus the reserve, for any traffic', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const clock = new FakeClock();
      const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
      const ratio = [0.1, 0.2, 0.5][seed % 3]!;
      const reserve = seed % 4;
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
            retry: { maxRetries: 1 + (seed % 5), baseDelayMs: 10, maxDelayMs: 50, budgetRatio: ratio, budgetReserve: reserve },
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
      // The ratio's share is counted per window, so its rounding may add one retry per window.
      const slack = reserve + Math.ceil((durationMs + 1_000) / windowMs) + 1;
      expect(transport.count(), `seed ${seed}`).toBeLessThanOrEqual(calls * (1 + ratio) + slack);
      expect(transport.count(), `seed ${seed}: retries did happen`).toBeGreaterThan(calls);
    }
  }, 30_000); // ~1 s here; 20 simulated runs of up to 41 s each, so allow for a loaded CI machine

  it('marks a call that wanted a retry the budget refused', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({
      fetch: transport.fetch,
      clock,
      policy: { defaults: { retry: { budgetRatio: 0, budgetReserve: 1, baseDelayMs: 1, maxDelayMs: 1 }, breaker: { minimumCalls: 100 } } },
    });
    const first = rf(`${A}/1`);
    await clock.advance(10);
    expect(describeResponse(await first)).toMatchObject({ attempts: 2, reason: 'budget-exhausted' }); // the reserve's one retry
    const second = rf(`${A}/2`);
    await clock.advance(10);
    expect(describeResponse(await second)).toMatchObject({ attempts: 1, reason: 'budget-exhausted' });
    await clock.advance(60_000); // time alone does not refill the reserve
    expect(rf.snapshot()[0]!.retryBudget).toBe(0);
  });

  it('lets a quiet origin retry a call fully from the reserve', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 503 }, { status: 503 }, { status: 200 });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0 });
    const res = rf(`${A}/1`);
    await clock.advance(10);
    expect((await res).status).toBe(200);
    expect(transport.count()).toBe(3);
  });
});

describe('retry reserve', () => {
  it('is earned back by successes, budgetRatio of a retry each', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 503 }, { status: 200 }, ...Array.from({ length: 4 }, () => ({ status: 200 })), { status: 503 }, { status: 200 });
    const rf = createResilientFetch({
      fetch: transport.fetch, clock, random: () => 0,
      policy: { defaults: { throttle: false, breaker: { windowMs: 1_000 }, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1, budgetRatio: 0.25, budgetReserve: 1 } } },
    });
    const statusOf = async () => {
      await clock.advance(2_000); // calls a window apart: the ratio's share never covers a retry
      const call = rf(`${A}/x`);
      await clock.advance(10);
      return (await call).status;
    };
    expect(await statusOf()).toBe(200); // 503, then the reserve's retry: 200 (which earns back 0.25)
    expect(rf.snapshot()[0]!.retryBudget).toBe(0);
    for (let i = 0; i < 3; i++) await statusOf(); // three more successes: 1.0 earned back
    expect(rf.snapshot()[0]!.retryBudget).toBe(1);
    await statusOf(); // a fifth: the reserve is full, it holds no more than budgetReserve
    expect(rf.snapshot()[0]!.retryBudget).toBe(1);
    expect(await statusOf()).toBe(200); // the earned retry
    expect(transport.count()).toBe(8);
  });
});

describe('a quiet browser against a backend that keeps failing (issue 14: 10,000 of them)', () => {
  function quiet(reply: (n: number) => { status: number }) {
    const clock = new FakeClock();
    let n = 0;
    let failures = 0;
    const transport = new FakeTransport(clock).reply(() => {
      const answer = reply(n++);
      if (answer.status >= 500) failures++;
      return answer;
    });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0 }); // the default policy
    return { clock, transport, rf, failures: () => failures };
  }

  it('stops retrying once its reserve is spent, instead of tripling its load for as long as the failure lasts', async () => {
    const { clock, transport, rf } = quiet(() => ({ status: 503 }));
    const calls = 40; // one call every 5 s: the breaker and the throttle never see enough calls to judge
    for (let i = 0; i < calls; i++) {
      void rf(`${A}/${i}`);
      await clock.advance(5_000);
    }
    expect(transport.count()).toBeLessThanOrEqual(calls + DEFAULT_POLICY.retry.budgetReserve);
  });

  it('keeps retrying the odd failure of a backend that answers', async () => {
    const { clock, transport, rf, failures } = quiet((n) => ({ status: n % 10 === 3 ? 503 : 200 }));
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) {
      void rf(`${A}/${i}`).then((r) => answers.push(r.status));
      await clock.advance(5_000);
    }
    expect(answers.filter((s) => s === 200)).toHaveLength(40); // every failure retried, for 200 s
    expect(failures()).toBeGreaterThanOrEqual(4);
    expect(transport.count()).toBe(40 + failures()); // each failure cost one retry, no more
  });
});
