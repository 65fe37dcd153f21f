/**
 * The in-page engine: with no worker of ours controlling the page, `resilientFetch` runs the same
 * engine in the page, its breaker in the page's memory and its stored copies in the page's
 * IndexedDB (the same database the worker reads).
 */
import assert from 'node:assert/strict';
import { eventually, fastBreaker, scenario } from './scenario.js';

scenario('in-page engine without service workers: the breaker opens in the page, stale-if-error comes from its IndexedDB, `outbox` does nothing', async ({ open, up1 }) => {
  const page = await open();
  // A browser or context without service workers (private modes, some embedders): the property is gone.
  await page.tab.evaluate("() => { Object.defineProperty(navigator, 'serviceWorker', { value: undefined, configurable: true }); }");
  const refused = await page.tryRegister({ config: fastBreaker(up1.url) });
  assert.equal(refused.ok, false);
  assert.match(refused.error ?? '', /service workers are unavailable/);

  const fresh = await page.ok(`${up1.url}/api/profile`);
  assert.equal(fresh.meta.source, 'network');
  await eventually('the page stores the response', async () => (await page.storedInPage()) === 1);
  up1.setFaults({ outage: true });
  const stale = await page.ok(`${up1.url}/api/profile`);
  assert.deepEqual([stale.status, stale.meta.source, stale.meta.stale, stale.body], [200, 'cache', true, fresh.body]);

  // The policy given to registerResilience applies in the page: 4 failures open the breaker.
  for (let i = 0; i < 3; i++) assert.equal((await page.ok(`${up1.url}/api/x`)).status, 503);
  const before = up1.stats().total;
  const rejected = await page.ok(`${up1.url}/api/x`);
  assert.deepEqual([rejected.status, rejected.meta.source, rejected.meta.reason], [503, 'synthetic', 'circuit-open']);
  // The outbox lives in the worker only (README "Outbox", Limits): here a write is refused like any call.
  const write = await page.ok(`${up1.url}/api/notes`, { method: 'POST', body: 'x', headers: { 'Idempotency-Key': 'w-1' }, resilience: { outbox: true } });
  assert.deepEqual([write.status, write.meta.source, write.meta.reason], [503, 'synthetic', 'circuit-open']);
  assert.equal(up1.stats().total, before, 'the open breaker kept both calls from the upstream');
  assert.ok(up1.requests().every((r) => r.headers['x-resilience-options'] === undefined), 'no header of ours upstream');
});

scenario('in-page engine on a first visit: a call made before the worker controls runs in the page, and the worker later serves the copy it stored', async ({ open, up1 }) => {
  const page = await open();
  assert.equal(await page.controlled(), false, 'a first visit: no worker yet');
  const first = await page.ok(`${up1.url}/api/profile`);
  assert.equal(first.meta.source, 'network');
  await eventually('the page stores the response', async () => (await page.storedInPage()) === 1);

  await page.register({ config: fastBreaker(up1.url) });
  assert.equal(await page.cachedEntries(), 1, "the worker's cache holds the page's copy");
  up1.setFaults({ reset: true });
  const stale = await page.ok(`${up1.url}/api/profile`);
  assert.deepEqual([stale.meta.source, stale.body], ['cache', first.body]);
  assert.equal((await page.origin(up1.url))?.calls, 1, 'the worker answered it');
});
