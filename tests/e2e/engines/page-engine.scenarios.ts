/**
 * The in-page engine: with no worker of ours controlling the page, `resilientFetch` runs the same
 * engine in the page, its breaker in the page's memory and its stored copies in the page's
 * IndexedDB (the same database the worker reads).
 */
import assert from 'node:assert/strict';
import { eventually, fastBreaker, scenario } from './scenario.js';
import { WEBKIT_NO_HARD_RELOAD } from './webkit.js';

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

// The worker answers its hot stored copies from memory; a tab it does not control (a hard reload)
// runs the in-page engine, which stores newer copies in the same IndexedDB and tells the worker
// on a BroadcastChannel. WebDriver cannot shift-reload, so the uncontrolled tab is a page of the
// same origin outside the worker's scope: the worker's scope is `/index.html`, the tab is at `/`.
scenario('in-page engine beside the worker: a copy stored by a tab the worker does not control is the one the worker serves next', async ({ open, up1 }) => {
  const controlled = await open('/index.html');
  await controlled.register({ scope: '/index.html', config: fastBreaker(up1.url) });
  const url = `${up1.url}/api/profile`;
  const first = await controlled.ok(url);
  await eventually('the worker stores the response', async () => (await controlled.cachedEntries()) === 1);

  const uncontrolled = await open('/');
  assert.equal(await uncontrolled.controlled(), false, 'outside the worker\'s scope');
  const newer = await uncontrolled.ok(url);
  assert.notEqual(newer.body, first.body, 'the upstream numbers its answers');
  // Polled: the page engine writes behind its answer.
  up1.setFaults({ outage: true });
  await eventually('the worker serves the newer copy', async () => (await controlled.ok(url)).body === newer.body, 5_000);
  const stale = await controlled.ok(url);
  assert.deepEqual([stale.meta.source, stale.body], ['cache', newer.body]);
});

scenario('in-page engine after a hard reload: the reloaded page is not controlled, its calls run in the page from the shared stored copies, and registerResilience takes it back', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: fastBreaker(up1.url) });
  const fresh = await page.ok(`${up1.url}/api/profile`);
  await eventually('the worker stores the response', async () => (await page.cachedEntries()) === 1);

  await page.tab.hardReload();
  assert.equal(await page.controlled(), false, 'a hard reload loads the page past the worker');
  up1.setFaults({ reset: true });
  const stale = await page.ok(`${up1.url}/api/profile`, { resilience: { retries: 0 } });
  assert.deepEqual([stale.meta.source, stale.body], ['cache', fresh.body], "the page's engine serves the worker's stored copy");

  await page.register({ config: fastBreaker(up1.url) });
  assert.equal((await page.origin(up1.url))?.calls, 1, 'the worker never saw the call made while the page was not controlled');
  assert.equal((await page.ok(`${up1.url}/api/profile`)).meta.source, 'cache');
  assert.equal((await page.origin(up1.url))?.calls, 2, 'controlled again: the worker answers');
}, { cannot: { webkit: WEBKIT_NO_HARD_RELOAD } });

scenario("in-page engine under another app's worker: calls run in the page (retried there) and carry none of our headers", async ({ open, up1 }) => {
  const page = await open();
  assert.equal(await page.tab.evaluate('() => window.harness.registerForeign()'), true, 'the foreign worker controls the page');
  up1.setFaults({ failFirst: 1 });
  const res = await page.ok(`${up1.url}/api/items`);
  assert.deepEqual([res.status, res.meta.attempts], [200, 2], "the page's engine retried the 503");
  const seen = up1.requests().filter((r) => r.path === '/api/items');
  assert.equal(seen.length, 2);
  assert.ok(seen.every((r) => r.headers['x-resilience-options'] === undefined && r.headers.traceparent === undefined), 'no header of ours through a worker that would forward it');
  assert.equal(up1.stats().preflights, 0);
});

scenario("response.url is the request's for every answer the engine builds (retried, stored, synthetic), in the page as through the worker", async ({ open, up1 }) => {
  const page = await open();
  const url = `${up1.url}/api/u?x=1`;
  const answers = async (mode: string) => {
    up1.setFaults({ reset: false, outage: false, failFirst: 1 });
    const retried = await page.ok(url, { resilience: { retries: 1 } });
    up1.setFaults({ reset: true });
    const stored = await page.ok(url, { resilience: { retries: 0 } });
    const synthetic = await page.ok(url, { resilience: { deadlineMs: 0, fallback: 'none' } });
    assert.deepEqual([retried.meta.attempts, stored.meta.source, synthetic.meta.source], [2, 'cache', 'synthetic'], mode);
    return { mode, urls: [retried.url, stored.url, synthetic.url] };
  };
  // A first visit: the in-page engine answers (fetch gives a response its URL; a built one has none).
  const first = await page.ok(url);
  assert.equal(first.url, url);
  await eventually('the page stores the response', async () => (await page.storedInPage()) === 1);
  assert.deepEqual(await answers('in the page'), { mode: 'in the page', urls: [url, url, url] });
  await page.register();
  assert.deepEqual(await answers('through the worker'), { mode: 'through the worker', urls: [url, url, url] });
});
