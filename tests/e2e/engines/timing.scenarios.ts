/**
 * Time: an upstream that hangs (our timeout answers), a caller that gives up while the worker
 * waits out a retry's backoff, and a slow upstream answered early from the stored copy.
 */
import assert from 'node:assert/strict';
import { sleep } from './driver.js';
import { eventually, scenario } from './scenario.js';

scenario('timeouts: a hanging upstream is cut at timeoutMs: the stored copy answers, and without one the call rejects with a TimeoutError, as in the page', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { timeoutMs: 400, retry: { maxRetries: 0 }, breaker: { minimumCalls: 100 } } } } } });
  const fresh = await page.ok(`${up1.url}/api/profile`);
  await eventually('the response is stored', async () => (await page.cachedEntries()) === 1);
  up1.setFaults({ hang: true });
  const stale = await page.ok(`${up1.url}/api/profile`);
  assert.deepEqual([stale.status, stale.meta.source, stale.meta.reason, stale.body], [200, 'cache', 'timeout', fresh.body]);

  const none = await page.fetch(`${up1.url}/api/other`);
  assert.ok('error' in none, 'no stored copy: the call rejects');
  // As the in-page engine rejects it (and fetch with AbortSignal.timeout), not fetch's bare network error.
  assert.deepEqual(none.error, { name: 'TimeoutError', message: `resilient-fetch: ${up1.url}/api/other timed out (timeout)` });
  assert.ok(none.ms >= 350, `it waited for the timeout (${Math.round(none.ms)} ms)`);
  await eventually('the upstream sees both hung connections closed', () => up1.stats().aborted === 2);
});

scenario("abort during a retry's backoff: the call rejects with AbortError and the retry is never sent", async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { maxRetries: 1, baseDelayMs: 1_000, maxDelayMs: 1_000, jitter: 'none' } } } } } });
  up1.setFaults({ failFirst: 1 });
  await page.start('waiting', `${up1.url}/api/later`);
  await up1.waitFor((s) => s.requests.some((r) => r.path === '/api/later' && r.status === 503), 5_000, 'the first attempt answered 503');
  await page.abort('waiting');
  const result = await page.result('waiting');
  assert.ok(result !== undefined && 'error' in result, 'the call rejects');
  assert.equal(result.error.name, 'AbortError');
  await sleep(1_300); // past the backoff the retry would have waited
  assert.equal(up1.requests().filter((r) => !r.preflight && r.path === '/api/later').length, 1, 'the retry was never sent');
});

scenario('stale-while-waiting: a slow upstream is answered early from the stored copy, which its late answer then refreshes', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { staleAfterMs: 300, timeoutMs: 5_000, retry: { maxRetries: 0 }, breaker: { minimumCalls: 100 } } } } } });
  const url = `${up1.url}/api/feed`;
  const first = await page.ok(url);
  await eventually('the response is stored', async () => (await page.cachedEntries()) === 1);
  up1.setFaults({ latencyMs: 1_500 });
  const early = await page.ok(url);
  assert.deepEqual([early.status, early.meta.source, early.meta.reason, early.body], [200, 'cache', 'slow', first.body]);
  await eventually('the page hears the fresh answer arrive', async () => (await page.broadcasts()).some((b) => b.type === 'cache' && b.kind === 'fresh-arrived' && b.url === url));

  up1.setFaults({ latencyMs: 0, outage: true });
  const stale = await page.ok(url);
  assert.equal(stale.meta.source, 'cache');
  assert.equal(JSON.parse(stale.body).n, 2, 'the stored copy is the late answer, not the first');
});

scenario('abort while queued behind a hung call: the call rejects with AbortError, leaves the queue and is never sent', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { concurrency: { maxInFlight: 1, maxQueue: 4 }, retry: { maxRetries: 0 } } } } } });
  up1.setFaults({ hang: true });
  await page.start('first', `${up1.url}/api/first`);
  await eventually('the first call holds the only slot', () => up1.stats().inFlight === 1);
  await page.start('queued', `${up1.url}/api/queued`);
  await eventually('the second call waits in the queue', async () => (await page.origin(up1.url))?.queued === 1);
  await page.abort('queued');
  const result = await page.result('queued');
  assert.ok(result !== undefined && 'error' in result, 'the call rejects');
  assert.equal(result.error.name, 'AbortError');
  await eventually('it left the queue', async () => (await page.origin(up1.url))?.queued === 0);

  await page.abort('first');
  await eventually('the slot is freed', () => up1.stats().aborted === 1);
  up1.setFaults({ hang: false });
  assert.equal((await page.ok(`${up1.url}/api/after`)).status, 200);
  assert.equal(up1.requests().filter((r) => r.path === '/api/queued').length, 0, 'the aborted call was never sent');
});
