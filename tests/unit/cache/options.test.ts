import { describe, expect, it } from 'vitest';
import { createIdbResponseCache, type IdbResponseCacheOptions } from '../../../src/cache/index.js';
import { setup } from './helpers.js';

describe('options', () => {
  it.each<[IdbResponseCacheOptions, string]>([
    [{ maxBytes: -1 }, 'maxBytes must be a number > 0 (Infinity allowed), got -1'],
    [{ maxBytes: Number.NaN }, 'maxBytes must be a number > 0 (Infinity allowed), got NaN'],
    [{ maxEntries: 0 }, 'maxEntries must be an integer >= 1, got 0'],
    [{ maxEntries: 2.5 }, 'maxEntries must be an integer >= 1, got 2.5'],
    [{ maxEntryBytes: 0 }, 'maxEntryBytes must be a number > 0 (Infinity allowed), got 0'],
    [{ maxBytes: 1000, maxEntryBytes: 2000 }, 'maxEntryBytes must be at most maxBytes (1000), got 2000'],
    [{ maxAgeMs: -5 }, 'maxAgeMs must be a number > 0 (Infinity allowed), got -5'],
    [{ dbName: '' }, 'dbName must be a non-empty string, got ""'],
    [{ partition: '' }, 'partition must be a non-empty string or null, got ""'],
    [{ maxBytes: '10' as unknown as number }, 'maxBytes must be a number > 0 (Infinity allowed), got "10"'],
    // A misspelt limit was ignored: the cache ran on the default it was meant to change.
    [{ maxEntires: 50 } as never, 'maxEntires is not a known option (known: dbName, maxEntries, maxBytes, maxAgeMs, minRefreshMs, memoryEntries, maxEntryBytes, partition, now, onEvent, indexedDB)'],
  ])('rejects %o', (options, message) => {
    expect(() => createIdbResponseCache({ indexedDB: setup().factory, ...options })).toThrow(new TypeError(message));
  });

  it('rejects options that are not an object, naming them', () => {
    for (const options of [null, 'big', [1]]) {
      expect(() => createIdbResponseCache(options as never)).toThrow(new TypeError(`options must be an object, got ${JSON.stringify(options)}`));
    }
  });

  it('shrinks the default maxEntryBytes to a small maxBytes', async () => {
    const { cache } = setup({ maxBytes: 10 });
    await cache.put(new Request('https://x.test/'), new Response('01234567890'));
    expect((await cache.stats()).skipped['too-large']).toBe(1);
  });

  it('uses a given IndexedDB factory without reading the global one (which throws in a sandboxed frame)', () => {
    const global = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');
    Object.defineProperty(globalThis, 'indexedDB', { configurable: true, get: () => { throw new DOMException('sandboxed', 'SecurityError'); } });
    try {
      expect(() => createIdbResponseCache({ indexedDB: setup().factory })).not.toThrow();
      expect(() => createIdbResponseCache({ maxEntryBytes: null as unknown as number, indexedDB: setup().factory })).toThrow(new TypeError('maxEntryBytes must be a number > 0 (Infinity allowed), got null'));
    } finally {
      if (global === undefined) delete (globalThis as { indexedDB?: unknown }).indexedDB;
      else Object.defineProperty(globalThis, 'indexedDB', global);
    }
  });

  it('setPartition and clear validate the key', async () => {
    const { cache } = setup();
    expect(() => cache.setPartition('')).toThrow(new TypeError('partition must be a non-empty string or null, got ""'));
    await expect(cache.clear('')).rejects.toThrow(TypeError);
  });
});
