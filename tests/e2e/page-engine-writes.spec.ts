import { expect, fastBreaker, Harness, test } from './fixtures.js';

// The worker answers its hot stored copies from memory. A tab its worker does not control (a
// shift-reload) runs the in-page engine, which stores newer copies in the same IndexedDB cache:
// the worker must then serve those, not the older copy it remembers.
test('a stored copy written by an uncontrolled tab is the one the worker serves next', async ({ harness, up1, context, app }) => {
  await harness.register({ config: fastBreaker(up1.url) });
  const url = `${up1.url}/api/profile`;
  const first = await harness.ok(url);
  expect(first.meta.source).toBe('network');
  await expect.poll(async () => (await harness.page.evaluate(() => window.harness.cacheStats()))?.entries).toBe(1);

  // A second tab loaded past the worker, as a shift-reload loads it: resilientFetch runs in the page.
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setBypassServiceWorker', { bypass: true });
  await page.goto(`${app.url}/`);
  const uncontrolled = new Harness(page, app.url);
  expect(await page.evaluate(() => window.harness.controlled())).toBe(false);
  const newer = await uncontrolled.ok(url);
  expect(newer.body).not.toBe(first.body); // the upstream numbers its answers

  // The upstream goes down: the worker's stale copy is the newer one (polled: the page's write is written behind).
  up1.setFaults({ outage: true });
  await expect.poll(async () => (await harness.ok(url)).body).toBe(newer.body);
  const stale = await harness.ok(url);
  expect(stale.meta.source).toBe('cache');
});

// The in-page engine shares the worker's IndexedDB database, so it follows the worker's `cache`
// option: an app that turned the cache off (say, for privacy) gets nothing stored by the page, and
// one that named its database gets the page's copies there.
test.describe('the in-page engine follows the worker\'s cache option', () => {
  /** A first visit: a call made while registerResilience is still under way runs in the page. */
  async function firstVisitCall(harness: Harness, url: string, options: { swQuery: string; cache?: false | { dbName: string } }) {
    const call = await harness.page.evaluate(
      async ([u, o]) => {
        const registered = window.harness.register(o);
        const controlled = window.harness.controlled();
        const result = await window.harness.fetch(u);
        return { controlled, result, registered: await registered };
      },
      [url, options] as const,
    );
    expect(call.controlled).toBe(false); // so the call ran in the page
    expect(call.registered.error).toBeUndefined();
    expect(call.result).toMatchObject({ status: 200, meta: { source: 'network' } });
  }

  test('registerResilience({ cache: { dbName } }): the first visit\'s call is stored in the app\'s database, where the worker finds it', async ({ harness, up1 }) => {
    await firstVisitCall(harness, `${up1.url}/api/profile`, { swQuery: '?dbName=app-cache', cache: { dbName: 'app-cache' } });
    // The worker never handled that call: the entry it counts is the page's.
    await expect.poll(async () => (await harness.page.evaluate(() => window.harness.cacheStats()))?.entries).toBe(1);
    expect(await harness.page.evaluate(() => window.harness.databases())).not.toContain('resilient-fetch-cache');
  });

  test('registerResilience({ cache: false }): the first visit\'s call stores nothing', async ({ harness, up1 }) => {
    await firstVisitCall(harness, `${up1.url}/api/profile`, { swQuery: '?nocache', cache: false });
    await harness.page.waitForTimeout(500); // the test above sees the page's write land within this
    expect(await harness.page.evaluate(() => window.harness.databases())).not.toContain('resilient-fetch-cache');
  });

  test('a worker with cache: false says so: a page that loses it to another worker stores nothing', async ({ harness, up1 }) => {
    await harness.register({ swQuery: '?nocache' }); // no cache option in the page: the worker's handshake tells it
    expect(await harness.page.evaluate(() => window.harness.registerForeign())).toBe(true);
    const call = await harness.ok(`${up1.url}/api/profile`);
    expect(call.meta).toMatchObject({ source: 'network', attempts: 1 }); // ran in the page (the foreign worker does not answer the handshake)
    await harness.page.waitForTimeout(500);
    expect(await harness.page.evaluate(() => window.harness.databases())).not.toContain('resilient-fetch-cache');
  });
});
