import type { Page } from '@playwright/test';
import type { Broadcast } from '../../src/index.js';
import { expect, fastBreaker, test } from './fixtures.js';

/**
 * The worker's lifecycle as an app lives it: a deploy under open tabs, unregistering, registering
 * twice, a worker that fails to install, and storage evicted under a running worker.
 */

/** A breaker that trips after 4 failures and stays open long enough for a deploy to happen. */
const longBreaker = (origin: string) => fastBreaker(origin, { breaker: { minimumCalls: 4, failureRateThreshold: 0.5, openMs: 20_000, maxOpenMs: 30_000 } });

/** What an app's update check does when a new worker script is deployed: the browser installs it; resolves with the controller's script once it changed (or after 5 s). */
function deploy(page: Page, scriptURL: string): Promise<string | undefined> {
  return page.evaluate(async (url) => {
    const changed = new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    await navigator.serviceWorker.register(url, { type: 'module' });
    await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    return navigator.serviceWorker.controller?.scriptURL;
  }, scriptURL);
}

const broadcasts = (page: Page): Promise<Broadcast[]> => page.evaluate(() => window.harness.broadcasts());

test.describe('worker lifecycle', () => {
  test('a deploy that takes over an open tab: the call in flight is answered once, v2 keeps v1\'s breaker, drops the pages\' config of the old version, and the page uses v2', async ({ harness, up1, up2 }) => {
    await harness.register({ swQuery: '?skipWaiting', config: longBreaker(up1.url) });
    up1.setFaults({ outage: true });
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/x`);
    expect(await harness.breaker(up1.url)).toBe('open');

    up2.setFaults({ latencyMs: 700 });
    await harness.start('during', `${up2.url}/api/during`);
    await expect.poll(() => up2.stats().inFlight).toBe(1);
    // v2 changes the cache option: a new config version.
    expect(await deploy(harness.page, '/sw.js?skipWaiting&cacheMaxBytes=5000000')).toContain('cacheMaxBytes=5000000');

    const during = await harness.result('during');
    expect(during && 'status' in during && during.status).toBe(200);
    expect(up2.requests().filter((r) => r.path === '/api/during')).toHaveLength(1);

    // v2 read v1's breaker from IndexedDB: still open, nothing reaches the upstream.
    const seenBefore = up1.stats().total;
    const rejected = await harness.ok(`${up1.url}/api/x`);
    expect(rejected.meta).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
    expect(up1.stats().total).toBe(seenBefore);
    // It was v2 that rejected it, and the page's subscription heard it.
    await expect.poll(async () => (await broadcasts(harness.page)).some((b) => b.type === 'event' && b.event.type === 'rejected' && b.event.origin === up1.url)).toBe(true);

    up2.setFaults({ latencyMs: 0 });
    const after = await harness.ok(`${up2.url}/api/after`);
    expect(after.meta.source).toBe('network');
    expect(up2.requests().find((r) => r.path === '/api/after')!.headers['x-resilience-options']).toBeUndefined();
    expect(up2.stats().preflights).toBe(0);

    // The pages' configure() was kept under v1's config version: v2 starts from its script.
    const live = await harness.page.evaluate(() => window.harness.config());
    expect(live.policy?.origins?.[up1.url]).toBeUndefined();
  });

  test('a deploy that waits, then takes over (an "update ready" prompt): v2 runs with what v1 saved meanwhile, not what it read when it installed', async ({ harness, up1, up2 }) => {
    await harness.register({ config: longBreaker(up1.url) });
    // v2 changes only code: the pages' settings carry over.
    await harness.page.evaluate(async () => {
      const registration = await navigator.serviceWorker.register('/sw.js?build=2', { type: 'module' });
      const installing = registration.installing;
      if (installing !== null) await new Promise((resolve) => installing.addEventListener('statechange', () => installing.state === 'installed' && resolve(undefined)));
    });
    expect(await harness.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting?.scriptURL)).toContain('build=2');

    up1.setFaults({ outage: true });
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/x`);
    expect(await harness.breaker(up1.url)).toBe('open');
    expect((await harness.configure({ policy: { origins: { [up2.url]: { retry: { maxRetries: 1 } } } } })).ok).toBe(true);

    expect(
      await harness.page.evaluate(async () => {
        const changed = new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
        (await navigator.serviceWorker.getRegistration())!.waiting!.postMessage({ skipWaiting: true });
        await Promise.race([changed, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        return navigator.serviceWorker.controller?.scriptURL;
      }),
    ).toContain('build=2');
    const seenBefore = up1.stats().total;
    expect((await harness.ok(`${up1.url}/api/x`)).meta).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
    expect(up1.stats().total).toBe(seenBefore);
    const live = await harness.page.evaluate(() => window.harness.config());
    expect(live.policy?.origins?.[up2.url]?.retry).toMatchObject({ maxRetries: 1 });
  });

  test('a deploy with a new config version: writes v1 kept in its outbox are delivered by v2, once each', async ({ harness, up1 }) => {
    const outboxOn = { policy: { origins: { [up1.url]: { outbox: { maxEntries: 100 }, retry: { maxRetries: 0 }, breaker: { minimumCalls: 1_000 }, throttle: false } as never } } };
    await harness.register({ swQuery: '?skipWaiting', config: outboxOn });
    up1.setFaults({ outage: true });
    for (const key of ['w1', 'w2']) {
      const kept = await harness.ok(`${up1.url}/api/notes`, { method: 'POST', body: `{"key":"${key}"}`, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } });
      expect(kept.meta).toMatchObject({ source: 'outbox', reason: 'queued' });
    }
    expect(await deploy(harness.page, '/sw.js?skipWaiting&cacheMaxBytes=5000000')).toContain('cacheMaxBytes=5000000');
    up1.setFaults({ outage: false });
    const left = await harness.page.evaluate(() => window.harness.outbox('flush'));
    expect(left.entries).toEqual([]);
    const delivered = up1.requests().filter((r) => r.path === '/api/notes' && r.status === 200);
    expect(delivered.map((r) => r.headers['idempotency-key']).sort()).toEqual(['w1', 'w2']);
  });
});

test.describe('worker lifecycle: registration', () => {
  test('unregister: calls keep answering, in the page once it is no longer controlled, and registering again puts the worker back', async ({ harness, up1 }) => {
    await harness.register();
    expect(await harness.page.evaluate(() => window.harness.unregister())).toBe(true);
    expect((await harness.ok(`${up1.url}/api/a`)).status).toBe(200); // the old worker still controls this page until it unloads
    await harness.page.reload();
    expect(await harness.page.evaluate(() => window.harness.controlled())).toBe(false);
    expect((await harness.ok(`${up1.url}/api/b`)).status).toBe(200); // the in-page engine
    await harness.register();
    expect((await harness.ok(`${up1.url}/api/c`)).status).toBe(200);
    for (const path of ['/api/a', '/api/b', '/api/c']) expect(up1.requests().filter((r) => r.path === path)).toHaveLength(1);
  });

  test('registerResilience twice at once (two components, a hot reload): one registration, each call sent once, each event broadcast once, one outbox flush when back online', async ({ harness, up1 }) => {
    await harness.page.evaluate(() => {
      // Counts the outbox flushes the page asks for (each handle's own, or one per page).
      const post = ServiceWorker.prototype.postMessage as (this: ServiceWorker, message: unknown, transfer: Transferable[]) => void;
      (window as unknown as { flushes: number }).flushes = 0;
      ServiceWorker.prototype.postMessage = function (this: ServiceWorker, message: unknown, transfer: Transferable[]) {
        if ((message as { action?: string }).action === 'flush') (window as unknown as { flushes: number }).flushes++;
        post.call(this, message, transfer);
      } as typeof ServiceWorker.prototype.postMessage;
    });
    const results = await harness.page.evaluate(() => Promise.all([window.harness.register({}), window.harness.register({})]));
    expect(results).toEqual([{ ok: true }, { ok: true }]);
    expect(await harness.page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length)).toBe(1);
    await harness.page.evaluate(() => {
      const channel = new BroadcastChannel('resilient-fetch:state');
      (window as unknown as { heard: unknown[] }).heard = [];
      channel.onmessage = (e) => (window as unknown as { heard: unknown[] }).heard.push(e.data);
    });
    await harness.configure(fastBreaker(up1.url));
    up1.setFaults({ outage: true });
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/x`);
    expect(up1.requests().filter((r) => r.path === '/api/x')).toHaveLength(4);
    const opened = async () => (await harness.page.evaluate(() => (window as unknown as { heard: Broadcast[] }).heard)).filter((b) => b.type === 'event' && b.event.type === 'breaker' && b.event.to === 'open');
    await expect.poll(async () => (await opened()).length).toBe(1);
    // Back online: the page asks the worker to replay its outbox once, not once per registerResilience.
    await harness.page.context().setOffline(true);
    await harness.page.context().setOffline(false);
    await expect.poll(() => harness.page.evaluate(() => (window as unknown as { flushes: number }).flushes)).toBeGreaterThan(0);
    // (A second listener posts its flush in the same dispatch of 'online' as the first.)
    expect(await harness.page.evaluate(() => (window as unknown as { flushes: number }).flushes)).toBe(1);
  });

  test('a worker that fails to install: registerResilience rejects saying so, calls run in the page, and on a deploy the working worker keeps serving', async ({ harness, up1 }) => {
    const first = await harness.page.evaluate(() => window.harness.register({ swQuery: '?badPolicy' }));
    expect(first.ok).toBe(false);
    expect(first.error).toMatch(/sw\.js\?badPolicy.*evaluation failed.*runs in the page instead/);
    expect((await harness.ok(`${up1.url}/api/a`)).status).toBe(200); // in the page
    expect(up1.requests().filter((r) => r.path === '/api/a')).toHaveLength(1);

    await harness.register({ config: longBreaker(up1.url) });
    const deploy = await harness.page.evaluate(() => window.harness.register({ swQuery: '?badPolicy' }));
    expect(deploy.ok).toBe(false);
    expect(deploy.error).toMatch(/sw\.js\?badPolicy.*evaluation failed.*the worker in control keeps serving this page/); // not "runs in the page"

    expect(await harness.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/);
    up1.setFaults({ outage: true });
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/x`);
    expect(await harness.breaker(up1.url)).toBe('open'); // the working worker, with its config
  });
});

test.describe('worker lifecycle: storage', () => {
  test('the browser clears the site\'s IndexedDB under a running worker: it forgets what it held, keeps answering and recreates its databases', async ({ harness, up1, app }) => {
    await harness.register({ config: longBreaker(up1.url) });
    expect((await harness.ok(`${up1.url}/api/a`)).status).toBe(200);
    await expect.poll(async () => (await harness.page.evaluate(() => window.harness.cacheStats()))?.entries ?? 0).toBe(1);
    const cdp = await harness.page.context().newCDPSession(harness.page);
    await cdp.send('Storage.clearDataForOrigin', { origin: app.url, storageTypes: 'indexeddb' });
    await cdp.detach();
    expect(await harness.page.evaluate(() => window.harness.databases())).toEqual([]);

    up1.setFaults({ outage: true });
    expect((await harness.ok(`${up1.url}/api/a`)).meta.source).not.toBe('cache'); // not from the worker's memory either
    up1.setFaults({ outage: false });
    expect((await harness.ok(`${up1.url}/api/b`)).status).toBe(200);
    // Written behind the answer: the next call's fallback raced that write, into a database being recreated.
    await expect.poll(async () => (await harness.page.evaluate(() => window.harness.cacheStats()))?.entries ?? 0).toBe(1);
    up1.setFaults({ outage: true });
    expect((await harness.ok(`${up1.url}/api/b`)).meta.source).toBe('cache'); // stored again, in the recreated database
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/x`);
    expect(await harness.breaker(up1.url)).toBe('open');
    await expect.poll(() => harness.page.evaluate(() => window.harness.databases())).toEqual(expect.arrayContaining(['resilient-fetch-state', 'resilient-fetch-cache']));
    // Saved to the recreated database (behind the call, under its waitUntil, which CDP's stop does not wait for).
    await expect.poll(() => harness.page.evaluate((origin) => window.harness.savedBreaker(origin), up1.url)).toBe('open');
    await harness.stopWorkers();
    expect((await harness.ok(`${up1.url}/api/x`)).meta.reason).toBe('circuit-open');
  });
});
