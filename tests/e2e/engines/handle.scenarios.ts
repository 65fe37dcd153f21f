/**
 * The page's handle (`registerResilience`'s result): live `configure()`, `config()`, `state()`,
 * `subscribe()`, `cacheStats()`, `clearCache()`, and the cache partition a sign-out changes.
 */
import assert from 'node:assert/strict';
import { BROWSER_LAUNCH_MS, eventually, fastBreaker, scenario, SCENARIO_TIMEOUT_MS } from './scenario.js';

scenario('live configure(): applied without a restart, refused with a TypeError naming the field, reset with null; state() and subscribe() follow', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { policy: { origins: { [up1.url]: { retry: { maxRetries: 0 } } } } } });
  up1.setFaults({ outage: true });
  for (let i = 0; i < 4; i++) assert.equal((await page.ok(`${up1.url}/api/x`)).status, 503);
  assert.equal(await page.breaker(up1.url), 'closed', 'the default breaker judges 10 calls');

  assert.deepEqual(await page.configure({ policy: { origins: { [up1.url]: { breaker: { minimumCalls: 4, openMs: 60_000, maxOpenMs: 60_000 } } } } }), { ok: true });
  const live = (await page.config()).policy?.origins?.[up1.url];
  assert.deepEqual([live?.breaker?.minimumCalls, live?.retry?.maxRetries], [4, 0], 'merged with what the page sent before');
  for (let i = 0; i < 4 && (await page.breaker(up1.url)) !== 'open'; i++) await page.ok(`${up1.url}/api/x`);
  assert.equal(await page.breaker(up1.url), 'open');
  await eventually('subscribe() hears the breaker open', async () =>
    (await page.broadcasts()).some((b) => b.type === 'event' && b.event.type === 'breaker' && b.event.origin === up1.url && b.event.to === 'open'),
  );

  const refused = await page.configure({ policy: { defaults: { breaker: { failureRateThreshold: 2 } } } });
  assert.equal(refused.ok, false);
  assert.equal(refused.error?.name, 'TypeError');
  assert.match(refused.error?.message ?? '', /breaker\.failureRateThreshold must be a number in \(0, 1\], got 2/);
  assert.equal((await page.config()).policy?.origins?.[up1.url]?.breaker?.minimumCalls, 4, 'the refused config changed nothing');

  assert.deepEqual(await page.configure({ policy: { origins: { [up1.url]: null } } }), { ok: true });
  assert.equal((await page.config()).policy?.origins?.[up1.url], undefined, "null drops the page's override");
});

scenario('cache partitions: after a sign-out the old user\'s stored copies are never served; clearCache(partition) forgets them', async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: { ...fastBreaker(up1.url), cachePartition: 'alice' } });
  const alices = await page.ok(`${up1.url}/api/mine`);
  await eventually('the response is stored', async () => (await page.cachedEntries()) === 1);

  assert.deepEqual(await page.configure({ cachePartition: 'bob' }), { ok: true });
  up1.setFaults({ outage: true });
  const bobs = await page.ok(`${up1.url}/api/mine`);
  assert.deepEqual([bobs.status, bobs.meta.source], [503, 'network'], "bob never gets alice's copy");

  assert.deepEqual(await page.configure({ cachePartition: 'alice' }), { ok: true });
  const alicesAgain = await page.ok(`${up1.url}/api/mine`);
  assert.deepEqual([alicesAgain.meta.source, alicesAgain.body], ['cache', alices.body]);
  await page.clearCache('alice');
  assert.equal(await page.cachedEntries(), 0);
  assert.equal((await page.ok(`${up1.url}/api/mine`)).meta.source, 'network', 'cleared: nothing to serve');
});

scenario('cache partitions after a worker restart: the restarted worker restores the partition before its first call, so a user is still served their copies and stores new ones as theirs', async ({ open, up1, useRestartableBrowser }) => {
  await useRestartableBrowser();
  const page = await open();
  await page.register({ config: { ...fastBreaker(up1.url), cachePartition: 'alice' } });
  const mine = await page.ok(`${up1.url}/api/mine`);
  await eventually('the response is stored', async () => (await page.cachedEntries()) === 1);

  await page.tab.restartWorker();
  // The reloaded page's first calls, before any handle: the new worker's first events.
  const other = await page.ok(`${up1.url}/api/other`);
  up1.setFaults({ outage: true });
  const again = await page.ok(`${up1.url}/api/mine`);
  assert.deepEqual([again.meta.source, again.body], ['cache', mine.body], "still alice's copy");
  await page.register();
  assert.equal((await page.config()).cachePartition, 'alice');
  assert.deepEqual(await page.configure({ cachePartition: 'bob' }), { ok: true });
  assert.notEqual((await page.ok(`${up1.url}/api/other`)).meta.source, 'cache', 'stored after the restart as alice, never served to bob');
  assert.deepEqual(await page.configure({ cachePartition: 'alice' }), { ok: true });
  assert.deepEqual([(await page.ok(`${up1.url}/api/other`)).body], [other.body]);
}, { timeout: SCENARIO_TIMEOUT_MS + BROWSER_LAUNCH_MS });

scenario("never stored: a request made with cache: 'no-store' (the worker reads it from the engine's FetchEvent.request), one sent with Cache-Control: no-store, and an Authorization answer without a partition", async ({ open, up1 }) => {
  const page = await open();
  await page.register({ config: fastBreaker(up1.url) });
  await page.ok(`${up1.url}/api/a`, { cache: 'no-store' });
  await page.ok(`${up1.url}/api/b`, { headers: { 'Cache-Control': 'no-store' } });
  await page.ok(`${up1.url}/api/c`, { headers: { Authorization: 'Bearer alice' } });
  await page.ok(`${up1.url}/api/d`); // written behind like the others, and after them
  await eventually('the plain answer is stored', async () => (await page.cachedEntries()) === 1);
  up1.setFaults({ outage: true });
  const sources = [];
  for (const path of ['a', 'b', 'c', 'd']) sources.push((await page.ok(`${up1.url}/api/${path}`)).meta.source);
  assert.deepEqual(sources, ['network', 'network', 'network', 'cache']);
});
