/**
 * The outbox (README "Outbox") where it matters most: Firefox and WebKit have no Background Sync,
 * so a write kept during an outage must come back through the other triggers: the page seeing
 * `online`, the page's `outbox.flush()`, and the browser starting the worker again.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../../demo-app/server/chaos-upstream.js';
import type { LiveConfig } from '../../../src/index.js';
import { sleep } from './driver.js';
import { BROWSER_LAUNCH_MS, eventually, scenario, SCENARIO_TIMEOUT_MS } from './scenario.js';

/** The outbox on for `origin`, one attempt per send (each replay is one request), no breaker or throttle in the way. */
function outboxOn(origin: string): LiveConfig {
  return { policy: { origins: { [origin]: { outbox: { maxEntries: 100 }, retry: { maxRetries: 0 }, timeoutMs: 2_000, breaker: { minimumCalls: 1_000 }, throttle: false } } } };
}

const keyedWrite = (key: string, body: string): RequestInit => ({ method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } });

/** The writes that reached the upstream (preflights aside), in arrival order. */
function writes(requests: readonly RecordedRequest[], method = 'POST'): RecordedRequest[] {
  return requests.filter((r) => !r.preflight && r.method === method);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

scenario('outbox: a write kept during an outage is listed, delivered once with its Idempotency-Key when the page sees `online`, and the page hears both', async ({ open, up1, up2 }) => {
  const page = await open();
  await page.register({ config: outboxOn(up1.url) });
  up1.setFaults({ outage: true });
  const body = JSON.stringify({ note: 'ünïcødé ✓', n: 1 });
  const kept = await page.ok(`${up1.url}/api/notes`, keyedWrite('note-1', body));
  assert.equal(kept.status, 202);
  assert.deepEqual([kept.meta.source, kept.meta.reason], ['outbox', 'queued']);
  const id = kept.headers['x-resilience-outbox-id'];
  assert.match(id ?? '', UUID);
  const listed = await page.outbox('list');
  assert.deepEqual(listed.entries.map((e) => [e.id, e.method, e.idempotencyKey]), [[id, 'POST', 'note-1']]);

  // The browser fires `online` in every page when the network comes back; the page's handle
  // then asks the worker to replay (Firefox and WebKit fire no `sync`). Here the page gets the
  // same event without the network having gone.
  up1.setFaults({ outage: false });
  await page.tab.evaluate("() => { window.dispatchEvent(new Event('online')); }");
  await up1.waitFor((s) => writes(s.requests).some((r) => r.status === 200), 5_000, 'the write replayed after `online`');
  await eventually('the page no longer lists it', async () => (await page.outbox('list')).entries.length === 0);
  await page.outbox('flush'); // nothing left to send: a second trigger sends nothing again
  assert.deepEqual(writes(up1.requests()).map((r) => [r.status, r.headers['idempotency-key'], r.body]), [[503, 'note-1', body], [200, 'note-1', body]]);
  await eventually('the page heard it queued, then delivered', async () => (await page.outboxEvents()).map((e) => `${e.kind} ${e.id}`).join() === `queued ${id},delivered ${id}`);

  // Per call, to an origin whose policy keeps nothing: the key is generated, and flush() replays it with that key.
  up2.setFaults({ outage: true });
  const perCall = await page.ok(`${up2.url}/api/items/7`, { method: 'PUT', body: 'v', resilience: { outbox: true, retries: 0 } });
  assert.equal(perCall.status, 202);
  up2.setFaults({ outage: false });
  assert.deepEqual((await page.outbox('flush')).entries, []);
  const puts = writes(up2.requests(), 'PUT');
  assert.deepEqual(puts.map((r) => r.status), [503, 200]);
  assert.match(String(puts[0]!.headers['idempotency-key']), /^"[0-9a-f-]{36}"$/);
  assert.equal(puts[1]!.headers['idempotency-key'], puts[0]!.headers['idempotency-key'], 'the replay carries the key of the first send');
});

scenario("outbox: a signed-in user's kept write is delivered when the browser starts the worker again, with no page asking", async ({ open, up1, useRestartableBrowser }) => {
  await useRestartableBrowser();
  const page = await open();
  // Signed in: the entry is alice's, and the restarted worker replays it only once it has
  // restored her partition from IndexedDB (a replay as "nobody" would leave it waiting).
  const config = { ...outboxOn(up1.url), cachePartition: 'alice' };
  await page.register({ config });
  up1.setFaults({ outage: true });
  const body = JSON.stringify({ note: 'kept across a restart' });
  assert.equal((await page.ok(`${up1.url}/api/notes`, keyedWrite('restart-1', body))).status, 202);
  // A starting worker replays once the origin's backoff after the failed send is over (0.5-1 s):
  // waited out here, so that the restart, not the clock, decides.
  const backoff = (await page.outbox('list')).origins.find((o) => o.origin === up1.url);
  assert.ok(backoff !== undefined && backoff.failedRounds === 1, 'the failed send set the origin\'s backoff');
  up1.setFaults({ outage: false });
  await sleep(Math.max(0, backoff.notBefore - Date.now() + 100));
  assert.equal(writes(up1.requests()).length, 1, 'nothing replays it while the worker runs on (no timers)');

  await page.tab.restartWorker();
  await up1.waitFor((s) => writes(s.requests).some((r) => r.status === 200), 10_000, 'the write replayed by the restarted worker');
  await page.register(); // the reloaded page's handle (no config: the worker's saved one)
  const left = await page.outbox('list');
  assert.deepEqual(left.entries, []);
  assert.ok(left.log.some((e) => e.kind === 'delivered'), 'the log says it was delivered');
  assert.deepEqual(writes(up1.requests()).map((r) => [r.status, r.headers['idempotency-key'], r.body]), [[503, 'restart-1', body], [200, 'restart-1', body]]);
}, { timeout: SCENARIO_TIMEOUT_MS + BROWSER_LAUNCH_MS });

scenario('outbox: two tabs keep writes at once into one outbox; none lost, none doubled, and each tab hears every delivery', async ({ open, up1 }) => {
  const tabA = await open();
  await tabA.register({ config: outboxOn(up1.url) });
  const tabB = await open();
  await tabB.register();
  up1.setFaults({ outage: true });
  const keys = (tab: string) => Array.from({ length: 5 }, (_, i) => `${tab}-${i}`);
  const send = (tab: typeof tabA, key: string) => tab.ok(`${up1.url}/api/t`, keyedWrite(key, `"${key}"`));
  const kept = await Promise.all([...keys('a').map((k) => send(tabA, k)), ...keys('b').map((k) => send(tabB, k))]);
  assert.deepEqual(kept.map((r) => r.status), Array(10).fill(202));
  assert.equal(new Set(kept.map((r) => r.headers['x-resilience-outbox-id'])).size, 10);
  assert.equal((await tabB.outbox('list')).entries.length, 10, 'one outbox, seen from every tab');

  up1.setFaults({ outage: false });
  assert.deepEqual((await tabB.outbox('flush')).entries, []);
  const applied = writes(up1.requests()).filter((r) => r.status === 200).map((r) => String(r.headers['idempotency-key']));
  assert.deepEqual(applied.sort(), [...keys('a'), ...keys('b')].sort());
  for (const tab of [tabA, tabB]) {
    await eventually('the tab hears 10 deliveries', async () => (await tab.outboxEvents()).filter((e) => e.kind === 'delivered').length === 10);
  }
});

scenario('outbox partitions: after a sign-out the old user\'s writes are neither listed nor replayed; clear(partition) drops them', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { ...outboxOn(up1.url), cachePartition: 'alice' } });
  up1.setFaults({ outage: true });
  const kept = await page.fetch(`${up1.url}/api/x`, { ...keyedWrite('alice-1', '"a"'), resilience: { throwOnReject: true } });
  assert.ok('error' in kept, 'throwOnReject: a kept write throws');
  assert.deepEqual([kept.error.name, kept.error.reason], ['ResilienceError', 'queued']);

  assert.deepEqual(await page.configure({ cachePartition: 'bob' }), { ok: true });
  up1.setFaults({ outage: false });
  assert.deepEqual((await page.outbox('flush')).entries, [], "bob's list is empty");
  assert.equal(writes(up1.requests()).length, 1, "a flush as bob never sends alice's write");
  await page.outbox('clear', 'alice');
  assert.deepEqual(await page.configure({ cachePartition: 'alice' }), { ok: true });
  assert.deepEqual((await page.outbox('flush')).entries, [], 'cleared on sign-out: nothing left for alice');
  assert.equal(writes(up1.requests()).length, 1);
});

scenario('outbox: a kept write goes once its backoff is over while the page calls another API through the worker: no online, no flush, no Background Sync', async ({ open, up1, up2 }) => {
  const page = await open();
  await page.register({ config: outboxOn(up1.url) });
  up1.setFaults({ outage: true });
  assert.equal((await page.ok(`${up1.url}/api/notes`, keyedWrite('note-2', '{"n":2}'))).status, 202);
  up1.setFaults({ outage: false });
  // The app goes on polling another origin (bounded: 20 polls, 300 ms apart); its first backoff is 1 s at most.
  for (let poll = 0; poll < 20 && !writes(up1.requests()).some((r) => r.status === 200); poll++) {
    assert.equal((await page.ok(`${up2.url}/api/poll/${poll}`)).status, 200);
    await sleep(300);
  }
  assert.deepEqual(writes(up1.requests()).map((r) => [r.status, r.headers['idempotency-key']]), [[503, 'note-2'], [200, 'note-2']]);
  await eventually('the page no longer lists it', async () => (await page.outbox('list')).entries.length === 0);
});

scenario('outbox: a replay the server refuses (422) is reported failed with the start of its answer, removed, never sent again', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: outboxOn(up1.url) });
  up1.setFaults({ outage: true });
  assert.equal((await page.ok(`${up1.url}/api/orders`, keyedWrite('order-1', '{"sku":"a"}'))).status, 202);
  up1.setFaults({ outage: false, errorStatus: 422, failFirst: 1 });
  assert.deepEqual((await page.outbox('flush')).entries, []);
  await page.outbox('flush');
  assert.deepEqual(writes(up1.requests()).map((r) => r.status), [503, 422]);
  await eventually('the page hears it failed', async () => (await page.outboxEvents()).some((e) => e.kind === 'failed'));
  const failed = (await page.outboxEvents()).find((e) => e.kind === 'failed');
  assert.ok(failed?.kind === 'failed');
  assert.equal(failed.status, 422);
  assert.match(failed.body, /"status":422/, "the start of the server's answer (read from its stream)");
});

scenario('outbox: a 409 to a replay (its Idempotency-Key still being processed) keeps the write, which the next replay delivers once with the same key', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: outboxOn(up1.url) });
  up1.setFaults({ outage: true });
  assert.equal((await page.ok(`${up1.url}/api/orders`, keyedWrite('order-1', '{"sku":"a"}'))).status, 202);
  up1.setFaults({ outage: false, errorStatus: 409, failFirst: 1 });
  assert.equal((await page.outbox('flush')).entries.length, 1, 'kept after the 409');
  assert.deepEqual((await page.outbox('flush')).entries, []);
  const sent = writes(up1.requests());
  assert.deepEqual(sent.map((r) => r.status), [503, 409, 200]);
  assert.deepEqual([...new Set(sent.map((r) => r.headers['idempotency-key']))], ['order-1']);
});

scenario('IndexedDB full (every body write throws QuotaExceededError): reads keep coming from the network, caching turns off, a write to keep is refused and marked', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ swQuery: '?quotaFault=1', config: outboxOn(up1.url) });
  for (let i = 0; i < 3; i++) {
    const res = await page.ok(`${up1.url}/api/big-${i}?bytes=20000`);
    assert.deepEqual([res.status, res.body.length, res.meta.source], [200, 20_000, 'network']);
  }
  await eventually('the cache turns itself off', async () => (await page.tab.evaluate<{ disabled?: boolean } | undefined>('() => window.harness.cacheStats()'))?.disabled === true);
  assert.equal(await page.cachedEntries(), 0);
  up1.setFaults({ outage: true });
  const refused = await page.ok(`${up1.url}/api/notes`, keyedWrite('q-1', '"x"'));
  assert.equal(refused.status, 503, 'the original failure, not a 202 for a write that was not kept');
  assert.equal(refused.headers['x-resilience-outbox-refused'], 'quota-exceeded');
  assert.deepEqual((await page.outbox('list')).entries, []);
});
