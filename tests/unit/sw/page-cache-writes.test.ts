// The worker answers its hot cache entries from memory. A page with no worker of ours in control
// (after a shift-reload) runs the in-page engine, which writes to the same IndexedDB cache: the
// worker must then answer what IndexedDB holds, not the older copy it remembers.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createIdbResponseCache, type IdbResponseCacheOptions } from '../../../src/cache/index.js';

const URL_A = 'https://api.example.test/a';
const URL_B = 'https://api.example.test/b';

/** The worker's cache (memory in front, as installResilience sets it) and a page's, on one database. */
function workerAndPage(options: IdbResponseCacheOptions = {}) {
  const indexedDB = new IDBFactory();
  const shared = { indexedDB, minRefreshMs: 0, ...options };
  return { worker: createIdbResponseCache({ ...shared, memoryEntries: 64 }), page: createIdbResponseCache(shared) };
}

const ok = (body: string) => new Response(body, { status: 200 });
async function text(cache: ReturnType<typeof createIdbResponseCache>, url: string): Promise<string | undefined> {
  return (await cache.match(new Request(url)))?.response.text();
}

/** Notices between contexts arrive a task or more later (a BroadcastChannel message). */
const aMomentLater = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("the worker's memory and the in-page engine's writes", () => {
  it('answers the copy the page stored after the one the worker remembers', async () => {
    const { worker, page } = workerAndPage();
    await worker.put(new Request(URL_A), ok('v1 (worker)'));
    expect(await text(worker, URL_A)).toBe('v1 (worker)');
    await page.put(new Request(URL_A), ok('v2 (page)'));
    await aMomentLater();
    expect(await text(page, URL_A)).toBe('v2 (page)'); // what IndexedDB holds
    expect(await text(worker, URL_A)).toBe('v2 (page)');
    await Promise.all([worker.close(), page.close()]);
  });

  it('does not answer an entry the page evicted or cleared', async () => {
    const { worker, page } = workerAndPage({ maxEntries: 1 });
    await worker.put(new Request(URL_A), ok('a'));
    expect(await text(worker, URL_A)).toBe('a');
    await page.put(new Request(URL_B), ok('b')); // the limit is one entry: A goes
    await aMomentLater();
    expect(await text(page, URL_A)).toBeUndefined();
    expect(await text(worker, URL_A)).toBeUndefined();
    await Promise.all([worker.close(), page.close()]);
  });
});
