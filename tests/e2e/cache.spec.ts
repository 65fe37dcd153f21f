import type { Page } from '@playwright/test';
import { expect, fastBreaker, test, type Harness } from './fixtures.js';

/** Outages of every kind the fallback must cover, each on a fresh upstream. */
const downs = [
  { name: 'hang', faults: { hang: true } },
  { name: 'reset', faults: { reset: true } },
  { name: '503', faults: { outage: true } },
] as const;

function cacheStats(page: Page) {
  return page.evaluate(() => window.harness.cacheStats());
}

/** Waits until the worker's write-behind has stored `n` entries. */
async function stored(harness: Harness, n: number): Promise<void> {
  await expect.poll(async () => (await cacheStats(harness.page))?.entries).toBe(n);
}

test.describe('stale-if-error from IndexedDB', () => {
  for (const down of downs) {
    test(`upstream goes down (${down.name}): the last good body comes back from the cache with a sane Age, fast once the breaker is open`, async ({ harness, up1 }) => {
      await harness.register({ config: fastBreaker(up1.url, { timeoutMs: 400 }) });
      const fresh = await harness.ok(`${up1.url}/api/profile`);
      expect(fresh.meta.source).toBe('network');
      await stored(harness, 1);
      await harness.page.waitForTimeout(1_100);

      up1.setFaults(down.faults);
      const stale = await harness.ok(`${up1.url}/api/profile`);
      expect(stale.status).toBe(200);
      expect(stale.body).toBe(fresh.body);
      expect(stale.meta).toMatchObject({ source: 'cache', stale: true });
      expect(stale.meta.ageSeconds).toBeGreaterThanOrEqual(1);
      expect(stale.meta.ageSeconds).toBeLessThan(30);
      expect(stale.headers['x-upstream-name']).toBe('upstream-1'); // the original headers come along

      for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/profile`);
      expect(await harness.breaker(up1.url)).toBe('open');
      const before = up1.stats().total;
      const fast = await harness.ok(`${up1.url}/api/profile`);
      expect(fast.meta).toMatchObject({ source: 'cache', reason: 'circuit-open' });
      expect(fast.body).toBe(fresh.body);
      // Fast because nothing was sent, so no attempt's timeout was waited for (a bound on fast.ms
      // would time the loaded machine, not the breaker: speed is benchmarks' to measure).
      expect(up1.stats().total).toBe(before);
      const notices = await harness.page.evaluate(() => window.harness.broadcasts().filter((b) => b.type === 'cache'));
      expect(notices.some((n) => n.type === 'cache' && n.kind === 'stale-served' && n.url === `${up1.url}/api/profile`)).toBe(true);
    });
  }

  test('no-store responses are never served from the cache, and neither is another partition\'s copy', async ({ harness, up1 }) => {
    await harness.register({ config: { ...fastBreaker(up1.url), cachePartition: 'alice' } });
    await harness.ok(`${up1.url}/api/secret?cache=no-store`);
    await harness.ok(`${up1.url}/api/mine`);
    await stored(harness, 1);

    expect((await harness.configure({ cachePartition: 'bob' })).ok).toBe(true);
    up1.setFaults({ outage: true });
    const secret = await harness.ok(`${up1.url}/api/secret?cache=no-store`);
    expect(secret.meta.source).not.toBe('cache');
    const bobs = await harness.ok(`${up1.url}/api/mine`);
    expect(bobs.meta.source).not.toBe('cache');
    expect(bobs.status).toBe(503);

    expect((await harness.configure({ cachePartition: 'alice' })).ok).toBe(true);
    expect((await harness.ok(`${up1.url}/api/mine`)).meta.source).toBe('cache');
    await harness.page.evaluate(() => window.harness.clearCache('alice'));
    expect((await harness.ok(`${up1.url}/api/mine`)).meta.source).not.toBe('cache');
  });

  test('Vary: Accept-Language: a request in another language gets no stale copy', async ({ harness, up1 }) => {
    await harness.register({ config: fastBreaker(up1.url) });
    const en = await harness.ok(`${up1.url}/api/greeting?vary=Accept-Language`, { headers: { 'Accept-Language': 'en' } });
    await stored(harness, 1);
    up1.setFaults({ outage: true });
    const de = await harness.ok(`${up1.url}/api/greeting?vary=Accept-Language`, { headers: { 'Accept-Language': 'de' } });
    expect(de.meta.source).not.toBe('cache');
    const enAgain = await harness.ok(`${up1.url}/api/greeting?vary=Accept-Language`, { headers: { 'Accept-Language': 'en' } });
    expect(enAgain.meta.source).toBe('cache');
    expect(enAgain.body).toBe(en.body);
  });

  test('eviction: with a small maxBytes the least recently used entries go first and totals stay under the limit', async ({ harness, up1 }) => {
    await harness.register({ swQuery: '?cacheMaxBytes=3000', config: fastBreaker(up1.url) });
    for (const name of ['a', 'b', 'c']) {
      await harness.ok(`${up1.url}/api/${name}?bytes=1000`);
      await stored(harness, ['a', 'b', 'c'].indexOf(name) + 1);
    }
    await harness.page.waitForTimeout(1_100); // past minRefreshMs, so a fresh answer is written again
    await harness.ok(`${up1.url}/api/a?bytes=1000`); // a is used again: b is now the oldest
    // ...once a's fresh copy is written (behind the answer, 5-117 ms after it with two busy loops
    // on 2 cores: a fixed 100 ms could lose, and a written after d is the oldest, evicted for b).
    await expect.poll(async () => (await cacheStats(harness.page))?.puts).toBe(4);
    await harness.ok(`${up1.url}/api/d?bytes=1000`);
    await expect.poll(async () => (await cacheStats(harness.page))?.evictions).toBeGreaterThanOrEqual(1);
    const stats = (await cacheStats(harness.page))!;
    expect(stats.bytes).toBeLessThanOrEqual(3000);
    expect(stats.entries).toBe(3);

    up1.setFaults({ outage: true });
    const sources: Record<string, string> = {};
    for (const name of ['a', 'b', 'c', 'd']) sources[name] = (await harness.ok(`${up1.url}/api/${name}?bytes=1000`)).meta.source;
    expect(sources).toEqual({ a: 'cache', b: expect.not.stringMatching('cache'), c: 'cache', d: 'cache' });
  });

  test('quota exhaustion: requests keep succeeding from the network', async ({ harness, up1 }) => {
    // Chromium's CDP quota override does not reach a service worker's IndexedDB, so the worker
    // of this test makes every body write throw QuotaExceededError, as a full disk does.
    await harness.register({ swQuery: '?quotaFault=1', config: fastBreaker(up1.url) });
    for (let i = 0; i < 5; i++) {
      const res = await harness.ok(`${up1.url}/api/big-${i}?bytes=20000`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(20000);
      expect(res.meta.source).toBe('network');
    }
    await expect.poll(async () => (await cacheStats(harness.page))?.disabled).toBe(true);
    expect((await cacheStats(harness.page))?.entries).toBe(0);
    expect((await harness.ok(`${up1.url}/api/after`)).status).toBe(200);
  });

  test('pages hear when a stale copy was served and when fresh data for that URL arrives', async ({ harness, up1 }) => {
    await harness.register({ config: { policy: { origins: { [up1.url]: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 100 } } } } } });
    const url = `${up1.url}/api/feed`;
    await harness.ok(url);
    await stored(harness, 1);
    up1.setFaults({ outage: true });
    expect((await harness.ok(url)).meta.source).toBe('cache');
    up1.setFaults({ outage: false });
    expect((await harness.ok(url)).meta.source).toBe('network');
    await expect
      .poll(() => harness.page.evaluate(() => window.harness.broadcasts().flatMap((b) => (b.type === 'cache' ? [`${b.kind} ${b.url}`] : []))))
      .toEqual([`stale-served ${url}`, `fresh-arrived ${url}`]);
  });

  test('the cache survives the browser stopping the worker', async ({ harness, up1 }) => {
    await harness.register({ config: fastBreaker(up1.url) });
    const fresh = await harness.ok(`${up1.url}/api/durable`);
    await stored(harness, 1);
    await harness.stopWorkers();
    up1.setFaults({ reset: true });
    const stale = await harness.ok(`${up1.url}/api/durable`);
    expect(stale.meta.source).toBe('cache');
    expect(stale.body).toBe(fresh.body);
  });
});
