import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { URL_A, URL_B, get, matchText, ok, setup } from './helpers.js';

describe('responses that belong to one user', () => {
  it('Vary: Cookie is stored only under a partition: the worker never sees cookies, so it would always match', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('alice by cookie', { vary: 'Cookie' }));
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect((await cache.stats()).skipped['vary-cookie']).toBe(1);

    cache.setPartition('alice');
    await cache.put(get(URL_A), ok('alice by cookie', { vary: 'Accept, Cookie' }));
    expect(await matchText(cache, get(URL_A))).toBe('alice by cookie');
    cache.setPartition('bob');
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });

  it('a Vary: Cookie or private entry without a partition (stored by an older version) is never served', async () => {
    const { cache, factory } = setup();
    await cache.stats(); // opens the database, creating its stores
    const db = await new Promise<IDBDatabase>((resolve) => {
      const open = factory.open('resilient-fetch-cache');
      open.onsuccess = () => resolve(open.result);
    });
    await insertRaw(db, URL_A, [['cookie', null]], []);
    await insertRaw(db, URL_B, [], [['cache-control', 'private']]);
    db.close();
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect(await cache.match(get(URL_B))).toBeUndefined();
  });

  it('Cache-Control: private is stored only under a partition', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('mine', { 'cache-control': 'max-age=60, private' }));
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect((await cache.stats()).skipped.private).toBe(1);

    cache.setPartition('alice');
    await cache.put(get(URL_A), ok('mine', { 'cache-control': 'private' }));
    expect(await matchText(cache, get(URL_A))).toBe('mine');
  });

  it('a request made with cache: no-store is never stored, partition or not', async () => {
    const { cache } = setup({ partition: 'alice' });
    await cache.put(new Request(URL_A, { cache: 'no-store' }), ok('secret'));
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect((await cache.stats()).skipped['request-no-store']).toBe(1);
  });
});

describe('the partition of a call', () => {
  it('is fixed when its request starts: a response arriving after a sign-out goes to the user who asked', async () => {
    const { cache } = setup({ partition: 'alice' });
    const request = get(URL_A);
    cache.bindPartition(request); // the call starts, alice signed in
    cache.setPartition('bob'); // sign-out and sign-in while the response is on its way
    await cache.put(request, ok('alice data'));

    expect(await cache.match(get(URL_A))).toBeUndefined();
    cache.setPartition('alice');
    expect(await matchText(cache, get(URL_A))).toBe('alice data');
  });

  it('a lookup for a bound request uses its partition too', async () => {
    const { cache } = setup({ partition: 'alice' });
    await cache.put(get(URL_A), ok('alice data'));
    const request = get(URL_A);
    cache.bindPartition(request);
    cache.setPartition('bob');
    expect(await matchText(cache, request)).toBe('alice data');
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });
});

/** An unpartitioned entry as an older version of the cache could have written it. */
async function insertRaw(db: IDBDatabase, url: string, vary: [string, string | null][], headers: [string, string][]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(['entries', 'bodies'], 'readwrite');
    const varyKey = JSON.stringify(vary);
    tx.objectStore('entries').put({ partition: '', method: 'GET', url, varyKey, vary, status: 200, statusText: '', headers, storedAt: Date.now(), lastUsed: Date.now(), size: 3 });
    tx.objectStore('bodies').put(new TextEncoder().encode('old').buffer, ['', 'GET', url, varyKey]);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
}

describe('no-store on the request, through the engine', () => {
  const calls: [string, (url: string) => [RequestInfo, RequestInit | undefined]][] = [
    ['fetch(url, { cache: "no-store" })', (url) => [url, { cache: 'no-store' }]],
    ['fetch(request, { cache: "no-store", headers })', (url) => [new Request(url), { cache: 'no-store', headers: { accept: 'text/plain' } }]],
    ['fetch(request made with cache: "no-store", { headers })', (url) => [new Request(url, { cache: 'no-store' }), { headers: { accept: 'text/plain' } }]],
    ['fetch(request with a Cache-Control: no-store header)', (url) => [new Request(url, { headers: { 'cache-control': 'no-store' } }), undefined]],
  ];
  for (const [name, make] of calls) {
    it(`${name} is never stored`, async () => {
      const { cache } = setup({ partition: 'alice' });
      const rf = createResilientFetch({ fetch: async () => new Response('secret'), cache });
      const [input, init] = make(URL_A);
      expect(await (await rf(input, init)).text()).toBe('secret');
      await rf.settled();
      await cache.settled();
      expect((await cache.stats()).entries).toBe(0);
    });
  }
});
