import { describe, expect, it } from 'vitest';
import { URL_A, URL_B, get, matchText, ok, setup } from './helpers.js';

describe('maxAgeMs', () => {
  it('serves an entry up to maxAgeMs old, then never again, and deletes it', async () => {
    const { cache, clock, events, sibling } = setup({ maxAgeMs: 60_000 });
    await cache.put(get(URL_A), ok('hello'));

    clock.advance(60_000);
    expect(await matchText(cache, get(URL_A))).toBe('hello');

    clock.advance(1);
    expect(await cache.match(get(URL_A))).toBeUndefined();
    await cache.settled();
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0, expired: 1 });
    expect(events).toContainEqual({ type: 'cache-evicted', reason: 'expired', entries: 1, bytes: 5 });

    // It is gone, not just hidden: a cache with a longer maxAgeMs on the same database misses too.
    expect(await sibling({ maxAgeMs: 600_000 }).match(get(URL_A))).toBeUndefined();
  });

  it('age is measured from storing: a hit does not extend it', async () => {
    const { cache, clock } = setup({ maxAgeMs: 60_000 });
    await cache.put(get(URL_A), ok('hello'));
    clock.advance(50_000);
    expect(await matchText(cache, get(URL_A))).toBe('hello');
    clock.advance(20_000);
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });

  it('a put drops expired entries of other URLs so they stop taking space', async () => {
    const { cache, clock } = setup({ maxAgeMs: 60_000 });
    await cache.put(get(URL_A), ok('old'));
    clock.advance(60_001);
    await cache.put(get(URL_B), ok('new'));
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 3, expired: 1 });
    expect(await matchText(cache, get(URL_B))).toBe('new');
  });
});

describe('a wall clock set back (NTP fixing a clock that ran a day fast, a user changing the time)', () => {
  const DAY = 86_400_000;

  it('an entry stored before the clock went back a day has an unknown age: not served past maxAgeMs, deleted', async () => {
    const { cache, clock, events } = setup({ maxAgeMs: 60_000 });
    await cache.put(get(URL_A), ok('hello'));
    clock.advance(-DAY);
    expect(await cache.match(get(URL_A))).toBeUndefined();
    await cache.settled();
    expect(events).toContainEqual({ type: 'cache-evicted', reason: 'expired', entries: 1, bytes: 5 });
  });

  it('a small step back (30 s) keeps the entry, served as just stored', async () => {
    const { cache, clock } = setup({ maxAgeMs: 60_000 });
    await cache.put(get(URL_A), ok('hello'));
    clock.advance(-30_000);
    expect(await matchText(cache, get(URL_A))).toBe('hello');
  });

  it('minRefreshMs is not stretched to the day the clock went back: a newer answer is stored', async () => {
    const { cache, clock } = setup({ minRefreshMs: 1_000, maxAgeMs: Infinity });
    await cache.put(get(URL_A), ok('old'));
    clock.advance(-DAY);
    clock.advance(5_000);
    expect(cache.wants(get(URL_A), ok('new'))).toBe(true);
    await cache.put(get(URL_A), ok('new'));
    expect(await matchText(cache, get(URL_A))).toBe('new');
  });
});
