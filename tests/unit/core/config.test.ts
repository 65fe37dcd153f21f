import { describe, expect, it } from 'vitest';
import { createResilientFetch, type PolicyConfig } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

const bad: [PolicyConfig, RegExp][] = [
  [{ defaults: { breaker: { failureRateThreshold: 2 } } }, /policy\.defaults\.breaker\.failureRateThreshold must be a number in \(0, 1\], got 2/],
  [{ defaults: { timeoutMs: -5 } }, /policy\.defaults\.timeoutMs .* got -5/],
  [{ defaults: { retry: { jitter: 'wild' as 'full' } } }, /policy\.defaults\.retry\.jitter must be one of "full", "decorrelated", "none", got "wild"/],
  [{ defaults: { concurrency: { maxInFlight: 1.5 } } }, /policy\.defaults\.concurrency\.maxInFlight must be an integer >= 1, got 1\.5/],
  [{ defaults: { retry: { retryOnStatus: [503, 999] } } }, /retry\.retryOnStatus\[1\] must be an integer from 100 to 599, got 999/],
  [{ defaults: { breaker: { openMs: 5_000, maxOpenMs: 1_000 } } }, /breaker\.maxOpenMs must be at least breaker\.openMs \(5000\), got 1000/],
  [{ defaults: { rateLimit: { perSecond: 0, burst: 1 } } }, /rateLimit\.perSecond must be a finite number > 0, got 0/],
  [{ defaults: { breaker: { failureThreshold: 0.5 } as never } }, /policy\.defaults\.breaker\.failureThreshold is not a known option/],
  [{ origins: { 'not a url': { timeoutMs: 1 } } }, /policy\.origins key must be an origin .* got "not a url"/],
  [{ origins: { [A]: { deadlineMs: 'soon' as unknown as number } } }, /policy\.origins\["https:\/\/a\.test"\]\.deadlineMs .* got "soon"/],
  [{ maxOrigins: 0 }, /policy\.maxOrigins must be an integer >= 1, got 0/],
  // A misspelt top-level key was ignored: the whole policy silently fell back to the defaults.
  [{ default: { timeoutMs: 5 } } as never, /policy\.default is not a known option \(known: defaults, origins, maxOrigins\)/],
  [{ origins: 5 } as never, /policy\.origins must be an object of origin → policy, got 5/],
  [{ origins: [{ timeoutMs: 5 }] } as never, /policy\.origins must be an object of origin → policy, got \[\{"timeoutMs":5\}\]/],
  [{ origins: null } as never, /policy\.origins must be an object of origin → policy, got null/],
  [[] as never, /policy must be an object, got \[\]/],
  // k below 1 refuses calls to a backend that accepts every one (k 0.5: about half of them).
  [{ defaults: { throttle: { k: 0.5, windowMs: 1_000 } } }, /policy\.defaults\.throttle\.k must be a finite number >= 1, got 0\.5/],
  // Two keys for one origin: the later silently replaced the earlier.
  [{ origins: { [A]: { timeoutMs: 1 }, [`${A}:443`]: { timeoutMs: 2 } } }, /policy\.origins\["https:\/\/a\.test:443"\] is the same origin as "https:\/\/a\.test"/],
  // Negative zero is refused where 0 is, and shown as what it is.
  [{ defaults: { timeoutMs: -0 } }, /policy\.defaults\.timeoutMs must be a number > 0 \(Infinity allowed\), got -0/],
  // null is refused here as it is for defaults and origins (it was taken as "the default").
  [{ maxOrigins: null } as never, /policy\.maxOrigins must be an integer >= 1, got null/],
];

describe('config validation', () => {
  it.each(bad)('refuses %j naming the field and the value', (policy, message) => {
    expect(() => createResilientFetch({ policy })).toThrow(TypeError);
    expect(() => createResilientFetch({ policy })).toThrow(message);
  });

  it('keeps the previous policy when configure() is given a bad one', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { defaults: { retry: { maxRetries: 0 } } } });
    expect(() => rf.configure({ defaults: { retry: { maxRetries: -1 } } })).toThrow(/retry\.maxRetries must be an integer >= 0, got -1/);
    await rf(`${A}/x`);
    expect(transport.count()).toBe(1);
  });

  it('applies per-origin overrides on top of the defaults', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 503 }));
    const rf = createResilientFetch({
      fetch: transport.fetch,
      clock,
      random: () => 0,
      policy: { defaults: { retry: { maxRetries: 0 } }, origins: { [`${A}:443`]: { retry: { maxRetries: 2 } } } },
    });
    const p = rf(`${A}/x`);
    await clock.advance(10);
    await p;
    await rf('https://b.test/x');
    expect(transport.count(A)).toBe(3);
    expect(transport.count('https://b.test')).toBe(1);
    expect(rf.namedOrigins()).toEqual([A]);
  });
});

describe('maxOpenMs follows a longer openMs the config did not bound', () => {
  it('openMs: 60_000 alone is accepted and stays open 60 s; an explicit smaller maxOpenMs is still refused', () => {
    expect(() => createResilientFetch({ policy: { defaults: { breaker: { openMs: 60_000 } } } })).not.toThrow();
    expect(() => createResilientFetch({ policy: { defaults: { breaker: { openMs: 60_000, maxOpenMs: 1_000 } } } })).toThrow(/maxOpenMs must be at least breaker\.openMs/);
  });
});
