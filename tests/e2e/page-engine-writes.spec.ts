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
