// The in-page engine shares the worker's IndexedDB cache, so it must follow the worker's `cache`
// option: an app that turned the cache off (say, for privacy) gets nothing stored by the page
// either, and one that named its database gets the page's copies there, not in the default one.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdbResponseCache } from '../../../src/cache/index.js';
import { fakeController } from './fake-controller.js';

beforeEach(() => vi.resetModules()); // the page's settings and its engine are per page: a fresh page per test
afterEach(() => void vi.unstubAllGlobals());

/** A fresh page's client modules. */
async function page() {
  const [{ registerResilience }, { resilientFetch }, { isOurWorker }] = await Promise.all([
    import('../../../src/client/register.js'),
    import('../../../src/client/resilient-fetch.js'),
    import('../../../src/client/handshake.js'),
  ]);
  return { registerResilience, resilientFetch, isOurWorker };
}

/** What is stored for `url` in database `dbName` (the unpartitioned entries). */
async function stored(dbName: string, url: string): Promise<string | undefined> {
  const cache = createIdbResponseCache({ dbName });
  const hit = await cache.match(new Request(url));
  await cache.close();
  return hit?.response.text();
}

let n = 0;
/** A URL no other test stored: the fake IndexedDB lives as long as the file. */
const freshUrl = () => `https://api.test/item-${++n}`;

/** No worker: a browser without service workers, or a page loaded before the worker ran. */
function noWorker(body = 'fresh') {
  vi.stubGlobal('navigator', { serviceWorker: undefined, onLine: true });
  vi.stubGlobal('fetch', async () => new Response(body));
}

/** Settles the engine's write-behind: the control test shows a write lands well within this. */
const afterWriteBehind = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('the in-page engine follows the worker\'s cache option', () => {
  it('stores in the default database when nobody said otherwise (the control)', async () => {
    noWorker();
    const { resilientFetch } = await page();
    const url = freshUrl();
    expect(await (await resilientFetch(url)).text()).toBe('fresh');
    await afterWriteBehind();
    expect(await stored('resilient-fetch-cache', url)).toBe('fresh');
  });

  it('registerResilience({ cache: false }): a call made before any worker ran stores nothing', async () => {
    noWorker();
    const { registerResilience, resilientFetch } = await page();
    await expect(registerResilience({ scriptURL: '/sw.js', cache: false })).rejects.toThrow('service workers are unavailable');
    const url = freshUrl();
    expect(await (await resilientFetch(url)).text()).toBe('fresh');
    await afterWriteBehind();
    expect(await stored('resilient-fetch-cache', url)).toBeUndefined();
  });

  it('registerResilience({ cache: { dbName } }): the page stores in the app\'s database', async () => {
    noWorker();
    const { registerResilience, resilientFetch } = await page();
    await expect(registerResilience({ scriptURL: '/sw.js', cache: { dbName: 'app-cache-1' } })).rejects.toThrow();
    const url = freshUrl();
    await resilientFetch(url);
    await vi.waitUntil(async () => (await stored('app-cache-1', url)) !== undefined, { timeout: 2_000 });
    expect(await stored('resilient-fetch-cache', url)).toBeUndefined();
  });

  it('what our worker reports with its handshake wins over the page\'s option, whichever came first', async () => {
    const { registerResilience, resilientFetch, isOurWorker } = await page();
    const { worker } = fakeController('ours', { pageCache: { dbName: 'worker-db' } });
    expect(await isOurWorker(worker)).toBe(true);
    noWorker(); // then the page loses its controller (another app's worker, an unregistration...)
    await expect(registerResilience({ scriptURL: '/sw.js', cache: false })).rejects.toThrow();
    const url = freshUrl();
    await resilientFetch(url);
    await vi.waitUntil(async () => (await stored('worker-db', url)) !== undefined, { timeout: 2_000 });
  });

  it('an engine already running follows a later report: off, then another database', async () => {
    noWorker('first');
    const { resilientFetch, isOurWorker } = await page();
    const before = freshUrl();
    await resilientFetch(before); // the engine starts with the default cache
    await vi.waitUntil(async () => (await stored('resilient-fetch-cache', before)) !== undefined, { timeout: 2_000 });

    expect(await isOurWorker(fakeController('ours', { pageCache: false }).worker)).toBe(true);
    const whileOff = freshUrl();
    await resilientFetch(whileOff);
    await afterWriteBehind();
    expect(await stored('resilient-fetch-cache', whileOff)).toBeUndefined();
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(resilientFetch(before, { resilience: { retries: 0 } })).rejects.toThrow('(network-error)'); // and nothing stored is served

    expect(await isOurWorker(fakeController('ours', { pageCache: { dbName: 'worker-db-2' } }).worker)).toBe(true);
    vi.stubGlobal('fetch', async () => new Response('second'));
    const later = freshUrl();
    await resilientFetch(later);
    await vi.waitUntil(async () => (await stored('worker-db-2', later)) !== undefined, { timeout: 2_000 });
  });

  it.each([
    [{ maxEntries: -1 }, 'maxEntries must be'],
    ['off', 'cache must be false or an object, got off'],
    [true, 'cache must be false or an object, got true'],
  ])('a wrong cache option (%j) is reported, naming it, when the in-page engine starts; the calls go on uncached', async (cache, message) => {
    noWorker();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { registerResilience, resilientFetch } = await page();
    await expect(registerResilience({ scriptURL: '/sw.js', cache: cache as never })).rejects.toThrow('service workers are unavailable');
    const url = freshUrl();
    expect(await (await resilientFetch(url)).text()).toBe('fresh');
    expect(errors).toHaveBeenCalledWith(expect.objectContaining({ name: 'TypeError', message: expect.stringContaining(message) }));
    errors.mockRestore();
    await afterWriteBehind();
    expect(await stored('resilient-fetch-cache', url)).toBeUndefined();
  });
});
