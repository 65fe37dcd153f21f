import type { Page } from '@playwright/test';
import type { ChaosUpstreamHandle } from '../../../demo-app/server/chaos-upstream.js';
import { expect } from '../fixtures.js';
import { breakerOf, call, configure, controlled, openApp } from './page.js';

/**
 * What an app with a precaching worker (vite-plugin-pwa, Serwist) must see once it adds ours:
 * its files are precached, and its API calls go through our worker: the breaker opens after a
 * few failures and the next call never reaches the upstream.
 */
export async function expectPrecachingAndResilience(page: Page, appUrl: string, up: ChaosUpstreamHandle): Promise<void> {
  await openApp(page, `${appUrl}/`);
  expect(await controlled(page)).toBe(true);
  const precache = await page.evaluate(async () => {
    const names = await caches.keys();
    const entries = await Promise.all(names.map(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname)));
    return { names, paths: entries.flat() };
  });
  expect(precache.names.some((name) => name.includes('precache')), `precache in ${precache.names.join(', ')}`).toBe(true);
  expect(precache.paths.some((p) => p.startsWith('/index.html'))).toBe(true);

  const origin = new URL(up.url).origin;
  await configure(page, { policy: { origins: { [origin]: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 3, failureRateThreshold: 0.5, openMs: 60_000 } } } } });
  up.setFaults({ outage: true });
  const failures: number[] = [];
  for (let i = 0; i < 10 && (await breakerOf(page, origin)) !== 'open'; i++) failures.push((await call(page, `${up.url}/api/orders`)).status);
  expect(await breakerOf(page, origin)).toBe('open');
  expect(failures.length).toBeGreaterThanOrEqual(2); // with the README's first call a success, two failures of three open it
  expect(new Set(failures)).toEqual(new Set([503]));
  const reached = up.stats().total;
  expect(await call(page, `${up.url}/api/orders`)).toMatchObject({ status: 503, source: 'synthetic', reason: 'circuit-open', attempts: 0 });
  expect(up.stats().total).toBe(reached);
}
