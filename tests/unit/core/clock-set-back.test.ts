// Audit: a wall clock set back (NTP fixing a device that ran a day fast, a user changing the time)
// must not stretch what the engine measures from it: an open period, a server's pause.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOCK_STEP_TOLERANCE_MS } from '../../../src/core/stored-age.js';
import { RUNS } from './properties/run.js';
import { createResilientFetch, describeResponse, type Clock } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport, MemoryCache, MemoryStore } from './fakes.js';

const DAY = 86_400_000;

/** The fake clock's timers, with a wall clock that can be set back. */
function settable(fake: FakeClock): Clock & { setBack(ms: number): void } {
  let skew = 0;
  return {
    now: () => fake.now() + skew,
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
    clearTimeout: (handle) => fake.clearTimeout(handle),
    setBack: (ms) => void (skew -= ms),
  };
}

function setup() {
  const fake = new FakeClock();
  const clock = settable(fake);
  const transport = new FakeTransport(fake);
  const store = new MemoryStore();
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    random: () => 0,
    store,
    policy: { defaults: { fallback: 'none', retry: { maxRetries: 0 }, breaker: { minimumCalls: 1, openMs: 1_000 } } },
  });
  return { fake, clock, transport, store, rf };
}

describe('a wall clock set back by a day', () => {
  it('does not hold an open breaker open for that day: a probe goes within openMs', async () => {
    const { fake, clock, transport, rf } = setup();
    transport.sequence({ status: 500 }, { status: 200, body: 'back' });
    await rf(`${A}/trip`);
    expect(rf.snapshot()[0]!.breaker.state).toBe('open');
    clock.setBack(DAY);
    await fake.advance(1_000);
    const probe = await rf(`${A}/probe`);
    expect(describeResponse(probe).source).toBe('network');
    expect(rf.snapshot()[0]!.breaker.state).toBe('closed');
  });

  it('does not make a server pause (Retry-After: 5) last that day', async () => {
    const { fake, clock, transport, rf } = setup();
    transport.sequence({ status: 429, headers: { 'Retry-After': '5' } }, { status: 200, body: 'ok' });
    await rf(`${A}/pushed-back`, { resilience: { retries: 0 } });
    expect(rf.snapshot()[0]!.pausedUntil).not.toBeNull();
    clock.setBack(DAY);
    await fake.advance(5_000);
    const after = await rf(`${A}/later`);
    expect(describeResponse(after).source).toBe('network');
  });

  it('does not keep a restored open breaker open for that day', async () => {
    const first = setup();
    first.transport.sequence({ status: 500 });
    await first.rf(`${A}/trip`);
    await first.rf.settled();
    // The worker restarts after the clock was set back a day.
    const fake = new FakeClock();
    const clock = settable(fake);
    clock.setBack(DAY);
    const transport = new FakeTransport(fake).sequence({ status: 200, body: 'back' });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, store: first.store, policy: { defaults: { fallback: 'none', breaker: { minimumCalls: 1, openMs: 1_000 } } } });
    await rf.ready();
    await fake.advance(1_000);
    expect(describeResponse(await rf(`${A}/probe`)).source).toBe('network');
  });
});

describe('a stored copy after the wall clock was set back', () => {
  // A copy stamped before the clock went back is "in the future": read as age 0, it was served as
  // fresh, past maxStaleMs, for as long as the clock had gone back.
  const HOUR = 3_600_000;
  function cached(maxStaleMs: number) {
    const fake = new FakeClock();
    const clock = settable(fake);
    const transport = new FakeTransport(fake).sequence({ status: 200, body: 'copy' }, { status: 503 });
    const cache = new MemoryCache(clock as unknown as FakeClock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, cache, policy: { defaults: { maxStaleMs, retry: { maxRetries: 0 } } } });
    return { fake, clock, rf };
  }

  it('is not served once its real age may pass maxStaleMs: a day back, two hours on, maxStaleMs one hour', async () => {
    const { fake, clock, rf } = cached(HOUR);
    expect(await (await rf(`${A}/price`)).text()).toBe('copy');
    await rf.settled();
    clock.setBack(DAY);
    await fake.advance(2 * HOUR);
    const answer = await rf(`${A}/price`);
    expect(describeResponse(answer).source).toBe('network'); // the 503 as it is, not the copy
    expect(answer.status).toBe(503);
  });

  it('is still served after a small step back (an NTP correction of 30 s), with Age 0', async () => {
    const { fake, clock, rf } = cached(HOUR);
    await (await rf(`${A}/price`)).text();
    await rf.settled();
    clock.setBack(30_000);
    await fake.advance(10_000);
    const answer = await rf(`${A}/price`);
    expect(describeResponse(answer)).toMatchObject({ source: 'cache' });
    expect(answer.headers.get('Age')).toBe('0');
  });

  it('is served at any age when maxStaleMs allows any age', async () => {
    const { fake, clock, rf } = cached(Infinity);
    await (await rf(`${A}/price`)).text();
    await rf.settled();
    clock.setBack(DAY);
    await fake.advance(2 * HOUR);
    const answer = await rf(`${A}/price`);
    expect(describeResponse(answer).source).toBe('cache');
    expect(answer.headers.get('Age')).toBe('2147483648'); // unknown: the largest Age RFC 9111 lets us say
  });
});

describe('a stored copy, for any run of clock steps forward and back', () => {
  it('is never served while stamped more than the tolerated step ahead of the clock, and served exactly within maxStaleMs when the clock only went forward', async () => {
    const step = fc.oneof(fc.record({ forward: fc.integer({ min: 0, max: 2 * 3_600_000 }) }), fc.record({ back: fc.integer({ min: 1, max: 2 * 86_400_000 }) }));
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 6 }), fc.integer({ min: 1_000, max: 6 * 3_600_000 }), async (steps, maxStaleMs) => {
        const fake = new FakeClock();
        const clock = settable(fake);
        const transport = new FakeTransport(fake).sequence({ status: 200, body: 'copy' }, { status: 503 });
        const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, cache: new MemoryCache(clock as unknown as FakeClock), policy: { defaults: { maxStaleMs, retry: { maxRetries: 0 } } } });
        await (await rf(`${A}/x`)).text();
        await rf.settled();
        const storedAt = fake.now();
        let wentBack = 0;
        for (const s of steps) {
          if ('forward' in s) await fake.advance(s.forward);
          else (clock.setBack(s.back), (wentBack += s.back));
        }
        const realAge = fake.now() - storedAt;
        const served = describeResponse(await rf(`${A}/x`)).source === 'cache';
        // Stamped further ahead than a tolerated step: its age cannot be known, so it is too old.
        if (clock.now() < storedAt - CLOCK_STEP_TOLERANCE_MS) expect(served).toBe(false);
        if (wentBack === 0) expect(served).toBe(realAge <= maxStaleMs);
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
