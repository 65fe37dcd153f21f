import { expect, Harness, test } from './fixtures.js';

// A call goes through one resilience pipeline, never two: the in-page engine's attempts must not
// each run the worker's retries again (3 × 3 upstream requests for one call in an outage, two
// breakers, two budgets). The in-page engine runs whenever the page finds no worker of ours in
// time, and its plain fetches still pass through whatever worker controls the page.

const retrying = (origin: string) => ({ policy: { origins: { [origin]: { retry: { maxRetries: 2, baseDelayMs: 1, jitter: 'none' as const } } } } });

test('our worker answers the handshake late: the call the page ran itself reaches the upstream once per attempt', async ({ harness, up1, context, app }) => {
  // The worker retries the origin too.
  await harness.register({ config: retrying(up1.url) });
  const tab = new Harness(await context.newPage(), app.url);
  await tab.page.goto(`${app.url}/`); // a new document: it has not heard the worker yet
  expect(await tab.page.evaluate(() => window.harness.controlled())).toBe(true);

  up1.setFaults({ outage: true });
  // Busy for 1.5 s (the app's own message, see app/sw.ts): longer than a call's 1 s wait.
  await tab.page.evaluate(() => navigator.serviceWorker.controller!.postMessage({ busyMs: 1_500 }));
  const call = await tab.ok(`${up1.url}/api/outage`);
  expect(call.status).toBe(503);
  expect(call.ms).toBeGreaterThan(1_000); // it waited for the handshake, then ran in the page
  expect(call.meta.attempts).toBe(3); // the in-page engine's: 1 + its 2 retries
  expect(up1.stats().total).toBe(3); // not 3 per attempt: the worker let the page's requests through

  // The worker has answered by now: the next call goes through it, one pipeline again.
  up1.resetStats();
  const next = await tab.ok(`${up1.url}/api/outage`);
  expect(next.meta.attempts).toBeGreaterThanOrEqual(1);
  expect(up1.stats().total).toBe(next.meta.attempts);
});

test('a Workbox ResilientStrategy route: resilientFetch in the page reaches the upstream once per attempt, and the plugins see each', async ({ harness, up1 }) => {
  // The Workbox worker does not answer the handshake, so resilientFetch runs in the page; the
  // route's strategy retries twice as well.
  await harness.page.evaluate(async (scriptURL) => {
    await navigator.serviceWorker.register(scriptURL, { type: 'module' });
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  }, `/sw-workbox.js?api=${encodeURIComponent(up1.url)}&retries=2`);

  up1.setFaults({ outage: true });
  const call = await harness.ok(`${up1.url}/api/outage`);
  expect(call.status).toBe(503);
  expect(call.meta.attempts).toBe(3);
  expect(up1.stats().total).toBe(3);
  const log = await harness.page.evaluate(async () => (await (await fetch('/__workbox-log')).json()) as string[]);
  expect(log.filter((line) => line.startsWith('requestWillFetch'))).toEqual(Array(3).fill('requestWillFetch /api/outage'));
});
