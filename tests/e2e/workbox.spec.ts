import path from 'node:path';
import type { Page } from '@playwright/test';
import { startBusyOnceSite } from './busy-once-site.js';
import { expect, test } from './fixtures.js';

/** Registers the Workbox worker (tests/e2e/workbox/sw.ts) and waits until it controls the page. */
async function registerWorkboxWorker(page: Page, api: string): Promise<void> {
  await page.evaluate(async (scriptURL) => {
    await navigator.serviceWorker.register(scriptURL, { type: 'module' });
    await navigator.serviceWorker.ready;
    if (navigator.serviceWorker.controller === null) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    }
  }, `/sw-workbox.js?api=${encodeURIComponent(new URL(api).origin)}`);
}

/** A plain fetch from the page: what an app using Workbox does. */
function get(page: Page, url: string) {
  return page.evaluate(async (u) => {
    const res = await fetch(u);
    return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
  }, url);
}

test('ResilientStrategy in a Workbox worker: plugins see every attempt, the breaker opens, the offline page answers', async ({ page, app, up1 }) => {
  await page.goto(`${app.url}/`);
  await registerWorkboxWorker(page, up1.url);

  const fresh = await get(page, `${up1.url}/api/data`);
  expect(fresh.status).toBe(200);

  up1.setFaults({ outage: true });
  const stale = await get(page, `${up1.url}/api/data`); // attempts ran out: the stored copy stands in
  expect(stale).toMatchObject({ status: 200, body: fresh.body, headers: { 'x-resilience-source': 'cache', 'x-resilience-reason': 'upstream-error' } });
  expect((await get(page, `${up1.url}/api/other`)).status).toBe(503); // nothing stored: the 503 as it came
  expect(up1.stats().total).toBe(3);

  // Three calls, two failed: the breaker is open and nothing more reaches the upstream.
  const offline = await get(page, `${up1.url}/api/other`);
  expect(offline).toMatchObject({ status: 200, headers: { 'x-offline-page': 'circuit-open' } });
  expect(offline.body).toContain('You are offline');
  const storedWhileOpen = await get(page, `${up1.url}/api/data`);
  expect(storedWhileOpen.headers).toMatchObject({ 'x-resilience-source': 'cache', 'x-resilience-reason': 'circuit-open' });
  expect(up1.stats().total).toBe(3);

  const log = JSON.parse((await get(page, `${app.url}/__workbox-log`)).body) as string[];
  expect(log).toEqual([
    'requestWillFetch /api/data', 'fetchDidSucceed /api/data 200', 'cacheWillUpdate /api/data', 'handlerWillRespond /api/data network',
    'requestWillFetch /api/data', 'fetchDidSucceed /api/data 503', 'handlerWillRespond /api/data cache',
    'requestWillFetch /api/other', 'fetchDidSucceed /api/other 503', 'handlerWillRespond /api/other network',
    'handlerDidError /api/other circuit-open', 'handlerWillRespond /api/other network',
    'handlerWillRespond /api/data cache',
  ]);
});

test('ResilientStrategy with navigation preload: after a preloaded 503 the retry goes to the network and the page loads', async ({ page }) => {
  const { origin, preloadHeaders, close } = await startBusyOnceSite(path.resolve('dist-e2e'));
  try {
    await page.goto(`${origin}/`);
    await registerWorkboxWorker(page, 'http://127.0.0.1:9');

    const response = await page.goto(`${origin}/nav/inbox`);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('h1')).toBe('inbox');
    // The browser's preload was attempt one; the worker's retry went to the network once.
    expect(preloadHeaders).toEqual(['true', undefined]);
  } finally {
    await close();
  }
});

test('ResilientStrategy sends a POST once and replays a PUT with the same bytes', async ({ page, app, up1 }) => {
  await page.goto(`${app.url}/`);
  await registerWorkboxWorker(page, up1.url);
  const send = (method: string, body: string) =>
    page.evaluate(async ([u, m, b]) => (await fetch(u!, { method: m, body: b, headers: { 'Content-Type': 'text/plain' } })).status, [`${up1.url}/api/w`, method, body]);

  up1.setFaults({ failFirst: 1 });
  expect(await send('POST', 'order #1')).toBe(503); // a POST is never sent twice
  up1.setFaults({ failFirst: 1 });
  expect(await send('PUT', 'profile v2')).toBe(200); // a PUT may be: the retry carries the same body
  const arrived = up1.requests().filter((r) => r.method !== 'OPTIONS'); // CORS preflights
  expect(arrived.map((r) => `${r.method} ${r.body}`)).toEqual(['POST order #1', 'PUT profile v2', 'PUT profile v2']);
});
