// memoryEntries: the service worker's cache answers its hot entries without an IndexedDB
// transaction, and never answers anything IndexedDB would not.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { URL_A, URL_B, get, matchText, ok, setup } from './helpers.js';

afterEach(() => vi.restoreAllMocks());

/** Every IndexedDB read fails from now on: whatever still answers comes from memory. */
function breakReads(): void {
  vi.spyOn(IDBIndex.prototype, 'getAll').mockImplementation(() => {
    throw new DOMException('reads are off in this test', 'UnknownError');
  });
}

describe('memoryEntries', () => {
  it('serves what this instance stored and read without a transaction, byte for byte', async () => {
    const { cache, sibling } = setup({ memoryEntries: 8 });
    await cache.put(get(URL_A), ok('stored here', { 'x-kept': 'yes' }));
    await sibling().put(get(URL_B), ok('stored by another'));
    expect(await matchText(cache, get(URL_B))).toBe('stored by another'); // read once from IndexedDB
    breakReads();
    const found = await cache.match(get(URL_A));
    expect(await found!.response.text()).toBe('stored here');
    expect(found!.response.headers.get('x-kept')).toBe('yes');
    expect(await matchText(cache, get(URL_B))).toBe('stored by another');
    expect(await matchText(cache, get(URL_A))).toBe('stored here'); // a body can be served again
  });

  it('is off by default: another instance may write the same database', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('hello'));
    breakReads();
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });

  it('keeps Vary and partitions exact', async () => {
    const { cache } = setup({ memoryEntries: 8 });
    await cache.put(get(URL_A, { accept: 'text/html' }), ok('html', { vary: 'Accept' }));
    cache.setPartition('alice');
    await cache.put(get(URL_B), ok("alice's"));
    breakReads();
    expect(await matchText(cache, get(URL_B))).toBe("alice's");
    cache.setPartition('bob');
    expect(await cache.match(get(URL_B))).toBeUndefined();
    cache.setPartition(null);
    expect(await cache.match(get(URL_B))).toBeUndefined();
    expect(await matchText(cache, get(URL_A, { accept: 'text/html' }))).toBe('html');
    expect(await cache.match(get(URL_A, { accept: 'application/json' }))).toBeUndefined();
  });

  it('a newer write replaces the remembered copy', async () => {
    const { cache, clock } = setup({ memoryEntries: 8, minRefreshMs: 0 });
    await cache.put(get(URL_A), ok('v1'));
    clock.advance(1);
    await cache.put(get(URL_A), ok('v2'));
    breakReads();
    expect(await matchText(cache, get(URL_A))).toBe('v2');
  });

  it('forgets a cleared partition, an expired entry and everything on eviction', async () => {
    const { cache, clock } = setup({ memoryEntries: 8, maxEntries: 2, maxAgeMs: 60_000 });
    cache.setPartition('alice');
    await cache.put(get(URL_A), ok("alice's"));
    await cache.clear('alice');
    expect(await cache.match(get(URL_A))).toBeUndefined();

    cache.setPartition(null);
    await cache.put(get(URL_A), ok('a'));
    clock.advance(60_001);
    expect(await cache.match(get(URL_A))).toBeUndefined();

    await cache.put(get(`${URL_A}/1`), ok('1'));
    await cache.put(get(`${URL_A}/2`), ok('2'));
    await cache.put(get(`${URL_A}/3`), ok('3')); // evicts the least recently used: /1
    expect(await cache.match(get(`${URL_A}/1`))).toBeUndefined();
    expect(await matchText(cache, get(`${URL_A}/3`))).toBe('3');
  });

  it('forgets everything when another context deletes the database', async () => {
    const { cache, factory } = setup({ memoryEntries: 8 });
    await cache.put(get(URL_A), ok('hello'));
    await new Promise((resolve) => (factory.deleteDatabase('resilient-fetch-cache').onsuccess = resolve));
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });

  it('holds at most memoryEntries entries, the least recently used going first', async () => {
    const { cache } = setup({ memoryEntries: 2 });
    for (const n of [1, 2, 3]) await cache.put(get(`${URL_A}/${n}`), ok(String(n)));
    breakReads();
    expect(await cache.match(get(`${URL_A}/1`))).toBeUndefined();
    expect(await matchText(cache, get(`${URL_A}/2`))).toBe('2');
    expect(await matchText(cache, get(`${URL_A}/3`))).toBe('3');
  });

  it('is checked like every option', async () => {
    expect(() => setup({ memoryEntries: -1 })).toThrow(/memoryEntries.*-1/);
  });
});
