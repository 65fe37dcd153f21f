import { describe, expect, it } from 'vitest';
import { URL_A, URL_B, URL_C, URL_D, bytes, get, matchText, ok, setup, type Harness } from './helpers.js';

/** Which of the URLs are still served. */
async function present(cache: Harness['cache'], urls: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const url of urls) if ((await cache.match(get(url))) !== undefined) found.push(url);
  return found;
}

describe('LRU eviction', () => {
  it('keeps maxEntries, evicting the least recently used first', async () => {
    const { cache, clock, events } = setup({ maxEntries: 3 });
    for (const url of [URL_A, URL_B, URL_C]) {
      await cache.put(get(url), ok(url));
      clock.advance(60_000); // recency is recorded at most once a minute
    }
    // A is the oldest stored but the most recently used.
    expect(await cache.match(get(URL_A))).toBeDefined();
    await cache.settled();
    clock.advance(60_000); // recency is recorded at most once a minute

    await cache.put(get(URL_D), ok(URL_D));
    expect((await cache.stats()).entries).toBe(3);
    expect(await present(cache, [URL_A, URL_B, URL_C, URL_D])).toEqual([URL_A, URL_C, URL_D]);
    expect(events).toContainEqual({ type: 'cache-evicted', reason: 'limit', entries: 1, bytes: URL_B.length });
    expect((await cache.stats()).evictions).toBe(1);
  });

  it('keeps maxBytes, evicting as many least recently used entries as needed', async () => {
    const { cache, clock } = setup({ maxBytes: 100 });
    for (const url of [URL_A, URL_B, URL_C]) {
      await cache.put(get(url), ok(bytes(30)));
      clock.advance(60_000); // recency is recorded at most once a minute
    }
    expect(await cache.match(get(URL_B))).toBeDefined();
    await cache.settled();
    clock.advance(60_000); // recency is recorded at most once a minute

    // 90 + 60 = 150: A (30) and C (30) must go, B was used after them.
    await cache.put(get(URL_D), ok(bytes(60)));
    const stats = await cache.stats();
    expect(stats).toMatchObject({ entries: 2, bytes: 90, evictions: 2 });
    expect(stats.bytes).toBeLessThanOrEqual(100);
    expect(await present(cache, [URL_A, URL_B, URL_C, URL_D])).toEqual([URL_B, URL_D]);
  });

  it('never evicts the entry just stored', async () => {
    const { cache, clock } = setup({ maxBytes: 100 });
    await cache.put(get(URL_A), ok(bytes(50)));
    // A clock that went backwards makes the new entry the "least recently used".
    clock.advance(-10_000);
    await cache.put(get(URL_B), ok(bytes(100)));
    expect(await present(cache, [URL_A, URL_B])).toEqual([URL_B]);
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 100 });
  });

  // A clock that ran a day fast (a bad RTC at boot), then fixed by NTP: the entries of that day
  // carry stamps a day ahead, and LRU took them for the most recently used, evicting every newer
  // write first; those stamped ahead are not even servable (their age is unknown: stored-age.ts).
  it('after the wall clock went back a day, evicts the entries stamped ahead of it first, not the newest writes', async () => {
    const { cache, clock } = setup({ maxEntries: 3 });
    for (const url of [URL_A, URL_B, URL_C]) {
      await cache.put(get(url), ok(url));
      clock.advance(60_000);
    }
    clock.advance(-86_400_000);

    const URL_E = 'https://api.example.test/e';
    for (const url of [URL_D, URL_E]) {
      await cache.put(get(url), ok(url));
      clock.advance(60_000);
    }
    expect(await matchText(cache, get(URL_D))).toBe(URL_D);
    expect(await matchText(cache, get(URL_E))).toBe(URL_E);
    expect((await cache.stats()).entries).toBeLessThanOrEqual(3);
  });

  it('after the wall clock went back an hour, an entry stamped ahead that is used again is stamped anew, and kept over those not used', async () => {
    const { cache, clock } = setup({ maxEntries: 3 });
    for (const url of [URL_A, URL_B]) {
      await cache.put(get(url), ok(url));
      clock.advance(60_000);
    }
    clock.advance(3_600_000); // an hour ahead: A was stored before it, and is still servable after the fix
    expect(await matchText(cache, get(URL_A))).toBe(URL_A); // used then: last used an hour ahead
    await cache.settled();
    clock.advance(-3_600_000);

    expect(await matchText(cache, get(URL_A))).toBe(URL_A); // used again, on the fixed clock, after B
    await cache.settled();
    clock.advance(60_000);
    for (const url of [URL_C, URL_D]) {
      await cache.put(get(url), ok(url));
      clock.advance(60_000);
    }
    expect(await matchText(cache, get(URL_A))).toBe(URL_A); // B, last used before A, went instead
    expect(await matchText(cache, get(URL_B))).toBeUndefined();
  });

  it('keeps exact totals through replace, evict and clear', async () => {
    const { cache, clock } = setup({ maxEntries: 2, maxBytes: 1_000 });
    await cache.put(get(URL_A), ok(bytes(10)));
    clock.advance(1);
    await cache.put(get(URL_A), ok(bytes(20)));
    clock.advance(1);
    await cache.put(get(URL_B), ok(bytes(30)));
    clock.advance(1);
    await cache.put(get(URL_C), ok(bytes(40)));
    expect(await cache.stats()).toMatchObject({ entries: 2, bytes: 70 });
    await cache.clear();
    await cache.put(get(URL_D), ok(bytes(5)));
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 5 });
  });
});
