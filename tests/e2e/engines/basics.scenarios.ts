/**
 * The first scenarios: what every user of the worker relies on (registration, pass-through, the
 * breaker, stale-if-error, a restarted worker, Retry-After, request bodies, aborts, tabs sharing
 * a worker, the classic build, traces).
 */
import assert from 'node:assert/strict';
import type { ReceivedSpan } from '../../../demo-app/server/otlp-receiver.js';
import { BROWSER_LAUNCH_MS, eventually, fastBreaker, scenario, SCENARIO_TIMEOUT_MS } from './scenario.js';

scenario('registration: the page is controlled by the module worker, which handles its calls', async ({ open, up1 }) => {
  const page = await open();
  await page.register();
  const script = await page.tab.evaluate<string>('() => navigator.serviceWorker.controller.scriptURL');
  assert.match(script, /\/sw\.js$/);
  assert.equal((await page.ok(`${up1.url}/api/hello`)).status, 200);
  assert.equal((await page.origin(up1.url))?.calls, 1, 'the worker counted the call');
});

scenario('pass-through: bodies and headers arrive byte for byte, and our options header never leaves the worker', async ({ open, up1 }) => {
  const page = await open();
  await page.register();
  const res = await page.ok(`${up1.url}/api/items?x=1&name=%C3%BC%E2%9C%93`);
  assert.equal(res.status, 200);
  assert.equal(res.body, JSON.stringify({ origin: 'upstream-1', method: 'GET', path: '/api/items', query: { x: '1', name: 'ü✓' }, n: 1 }));
  assert.equal(res.headers['x-upstream-name'], 'upstream-1');
  assert.equal(res.meta.source, 'network');

  const body = JSON.stringify({ note: 'ünïcødé ✓ 🙂', n: 2 });
  const posted = await page.ok(`${up1.url}/api/echo`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
  assert.equal(JSON.parse(posted.body).body, body);
  const big = await page.ok(`${up1.url}/api/blob?bytes=300000`);
  assert.equal(big.body, 'a'.repeat(300_000));

  const seen = up1.requests().filter((r) => !r.preflight);
  assert.deepEqual(seen.map((r) => r.path), ['/api/items', '/api/echo', '/api/blob']);
  assert.equal(seen[1]!.body, body);
  assert.ok(seen.every((r) => r.headers['x-resilience-options'] === undefined), 'no x-resilience-options upstream');
  assert.equal(up1.stats().preflights, 0);
});

scenario('breaker: a failing upstream opens it, then calls resolve with a synthetic 503 that never reaches the upstream', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: fastBreaker(up1.url) });
  up1.setFaults({ outage: true });
  for (let i = 0; i < 4; i++) assert.equal((await page.ok(`${up1.url}/api/x`)).status, 503);
  assert.equal(await page.breaker(up1.url), 'open');
  const before = up1.stats().total;
  const rejected = await page.ok(`${up1.url}/api/x`);
  assert.equal(rejected.status, 503);
  assert.deepEqual([rejected.meta.source, rejected.meta.reason, rejected.meta.attempts], ['synthetic', 'circuit-open', 0]);
  assert.ok(rejected.headers['retry-after'] !== undefined, 'the synthetic 503 says when to come back');
  assert.equal(up1.stats().total, before, 'the upstream saw nothing');
});

scenario('stale-if-error: with the upstream down, the last good answer comes back from IndexedDB', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: fastBreaker(up1.url) });
  const fresh = await page.ok(`${up1.url}/api/profile`);
  assert.equal(fresh.meta.source, 'network');
  await eventually('the response is stored', async () => (await page.cachedEntries()) === 1);
  up1.setFaults({ reset: true });
  const stale = await page.ok(`${up1.url}/api/profile`);
  assert.equal(stale.status, 200);
  assert.equal(stale.body, fresh.body);
  assert.equal(stale.meta.source, 'cache');
  assert.equal(stale.meta.stale, true);
  assert.equal(stale.headers['x-upstream-name'], 'upstream-1', 'the stored headers come along');
});

scenario('worker restart: the browser stops the worker, and the new one keeps the breaker open until the same moment', async ({ open, up1, up2, useRestartableBrowser }) => {
  await useRestartableBrowser();
  const page = await open();
  // An open period far longer than any engine's restart (Firefox's takes seconds), and a
  // call count that lives only in the worker's memory (a long window keeps it there):
  // seeing that count gone after the restart proves a new worker answers.
  const config = fastBreaker(up1.url, { breaker: { minimumCalls: 4, failureRateThreshold: 0.5, openMs: 60_000, maxOpenMs: 60_000 } });
  config.policy!.origins![up2.url] = { breaker: { windowMs: 600_000 } };
  await page.register({ config });
  await page.ok(`${up2.url}/api/marker`);
  assert.equal((await page.origin(up2.url))?.calls, 1);
  up1.setFaults({ outage: true });
  for (let i = 0; i < 4; i++) await page.ok(`${up1.url}/api/x`);
  const opened = (await page.origin(up1.url))?.breaker;
  assert.equal(opened?.state, 'open');

  await page.tab.restartWorker();
  await page.register({ config });
  assert.equal((await page.origin(up2.url))?.calls ?? 0, 0, 'a new worker runs (the old one had counted a call to upstream-2)');
  const before = up1.stats().total;
  const afterRestart = await page.ok(`${up1.url}/api/x`);
  assert.deepEqual([afterRestart.meta.source, afterRestart.meta.reason], ['synthetic', 'circuit-open']);
  assert.equal(up1.stats().total, before, 'the upstream saw nothing');
  assert.equal((await page.origin(up1.url))?.breaker.openUntil, opened.openUntil, 'restored, not opened again');
}, { timeout: SCENARIO_TIMEOUT_MS + BROWSER_LAUNCH_MS });

scenario('Retry-After: a 503 that asks for one second is retried after it, not after the backoff', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } } });
  up1.setFaults({ failFirst: 1, retryAfter: '1' });
  const res = await page.ok(`${up1.url}/api/later`);
  assert.equal(res.status, 200);
  assert.equal(res.meta.attempts, 2);
  const [first, second] = up1.requests().filter((r) => !r.preflight);
  const gap = second!.receivedAt - first!.receivedAt;
  assert.ok(gap >= 950, `the retry came ${gap} ms after the first attempt; Retry-After asked for 1000`);
});

scenario('request bodies: a POST is sent once on 503; with an Idempotency-Key it is retried with identical bytes', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } } });
  up1.setFaults({ errorRate: 1, errorStatus: 503 });
  const once = await page.ok(`${up1.url}/api/orders`, { method: 'POST', body: JSON.stringify({ item: 1 }), headers: { 'Content-Type': 'application/json' } });
  assert.equal(once.status, 503);
  assert.equal(up1.requests().filter((r) => r.method === 'POST').length, 1);

  up1.resetStats();
  up1.setFaults({ errorRate: 0, failFirst: 2 });
  const body = JSON.stringify({ item: 2, note: 'ünïcødé ✓' });
  const retried = await page.fetch(`${up1.url}/api/orders`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'order-2' } });
  const posts = () => up1.requests().filter((r) => r.method === 'POST');
  if ('error' in retried) assert.fail(`the retried POST rejected (${retried.error.name}: ${retried.error.message}) after ${posts().length} of 3 attempts reached the upstream`);
  assert.equal(retried.status, 200);
  assert.equal(retried.meta.attempts, 3);
  assert.deepEqual(posts().map((p) => p.body), [body, body, body]);
  assert.ok(posts().every((p) => p.headers['idempotency-key'] === 'order-2'));
});

scenario('request bodies over maxBufferedBodyBytes: sent once, intact, and not retried (Firefox has no Request.body)', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { maxBufferedBodyBytes: 1024, baseDelayMs: 10, maxDelayMs: 20 } } } } } });
  up1.setFaults({ failFirst: 1 });
  const body = `${'x'.repeat(4096)}✓`;
  const res = await page.ok(`${up1.url}/api/upload`, { method: 'POST', body, headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'upload-1' } });
  assert.equal(res.status, 503, 'the 503 comes back unretried');
  const posts = up1.requests().filter((r) => r.method === 'POST');
  assert.deepEqual(posts.map((p) => [p.body, p.headers['idempotency-key']]), [[body, 'upload-1']]);
});

scenario('no-content answers after a retry: a DELETE answered 503, then 204, resolves with the 204, in the page and through the worker', async ({ open, up1 }) => {
  const page = await open();
  const deletes = () => up1.requests().filter((r) => r.method === 'DELETE').map((r) => r.status);
  // A first visit: no worker yet, so the in-page engine (default policy: two retries) answers.
  up1.setFaults({ failFirst: 1 });
  const inPage = await page.fetch(`${up1.url}/api/items/1?status=204`, { method: 'DELETE' });
  assert.ok(!('error' in inPage), `in the page: ${JSON.stringify(inPage)}; the upstream answered ${deletes()}`);
  assert.deepEqual([inPage.status, inPage.meta.attempts, inPage.body], [204, 2, '']);

  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } } });
  up1.setFaults({ failFirst: 1 });
  const viaWorker = await page.fetch(`${up1.url}/api/items/2?status=204`, { method: 'DELETE' });
  assert.ok(!('error' in viaWorker), `through the worker: ${JSON.stringify(viaWorker)}; the upstream answered ${deletes()}`);
  assert.deepEqual([viaWorker.status, viaWorker.meta.attempts, viaWorker.body], [204, 2, '']);
  assert.deepEqual(deletes(), [503, 204, 503, 204], 'each DELETE applied once, after one 503');
});

scenario('page abort: AbortController.abort() in the page aborts the upstream request', async ({ open, up1 }) => {
  const page = await open();
  await page.register();
  up1.setFaults({ hang: true });
  await page.start('slow', `${up1.url}/api/slow`);
  await eventually('the request reaches the upstream', () => up1.stats().inFlight === 1);
  await page.abort('slow');
  const result = await page.result('slow');
  assert.ok(result !== undefined && 'error' in result, 'the call rejects');
  assert.equal(result.error.name, 'AbortError');
  await eventually('the upstream sees the connection closed', () => up1.stats().aborted === 1);
});

scenario('two tabs share one breaker: failures from tab A open it for tab B', async ({ open, up1 }) => {
  const tabA = await open();
  await tabA.register({ config: fastBreaker(up1.url) });
  const tabB = await open();
  await tabB.register();
  up1.setFaults({ outage: true });
  for (let i = 0; i < 4; i++) await tabA.ok(`${up1.url}/api/a`);
  const before = up1.stats().total;
  const fromB = await tabB.ok(`${up1.url}/api/b`);
  assert.deepEqual([fromB.meta.source, fromB.meta.reason], ['synthetic', 'circuit-open']);
  assert.equal(up1.stats().total, before);
});

scenario('the classic (IIFE) worker build registers and works the same', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ type: 'classic', config: fastBreaker(up1.url) });
  assert.match(await page.tab.evaluate<string>('() => navigator.serviceWorker.controller.scriptURL'), /\/sw\.classic\.js$/);
  up1.setFaults({ outage: true });
  for (let i = 0; i < 4; i++) await page.ok(`${up1.url}/api/x`);
  assert.equal((await page.ok(`${up1.url}/api/x`)).meta.reason, 'circuit-open');
});

scenario('traces: one trace from the page through the worker to each attempt reaches the OTLP receiver', async ({ open, up1, receiver }) => {
  const otlp = await receiver();
  const page = await open();
  await page.tracePage(otlp.tracesUrl);
  const query = new URLSearchParams({ otlp: otlp.tracesUrl, propagate: up1.url });
  await page.register({ swQuery: `?${query}`, config: { policy: { origins: { [up1.url]: { retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } } });
  up1.setFaults({ failFirst: 1 });
  assert.equal((await page.ok(`${up1.url}/api/traced`)).status, 200);
  await page.flushTraces();

  const byKind = (spans: readonly ReceivedSpan[], kind: string, service: string) => spans.filter((s) => s.kind === kind && s.serviceName === service);
  const spans = await otlp.waitFor((all) => byKind(all, 'CLIENT', 'e2e-worker').length >= 2 && byKind(all, 'CLIENT', 'e2e-page').length >= 1, 10_000);
  const pageSpan = byKind(spans, 'CLIENT', 'e2e-page').find((s) => s.attributes['url.full'] === `${up1.url}/api/traced`);
  assert.ok(pageSpan, 'the page exported its CLIENT span');
  const call = spans.find((s) => s.kind === 'INTERNAL' && s.parentSpanId === pageSpan.spanId);
  assert.ok(call, "the worker's call span is a child of the page's span");
  assert.equal(call.name, 'resilientFetch GET');
  const attempts = spans.filter((s) => s.kind === 'CLIENT' && s.parentSpanId === call.spanId).sort((a, b) => a.startTimeUnixNano.localeCompare(b.startTimeUnixNano));
  assert.deepEqual(attempts.map((a) => a.attributes['http.response.status_code']), [503, 200]);
  assert.equal(new Set([pageSpan, call, ...attempts].map((s) => s.traceId)).size, 1, 'one trace');
  const received = up1.requests().filter((r) => r.path === '/api/traced' && !r.preflight).map((r) => r.headers.traceparent);
  assert.deepEqual(received, attempts.map((a) => `00-${a.traceId}-${a.spanId}-01`));
});
