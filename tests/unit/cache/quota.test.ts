import { IDBIndex, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { URL_A, URL_B, URL_C, URL_D, get, ok, setup, type Harness } from './helpers.js';

const URL_E = 'https://api.example.test/e';

/**
 * The seam: the IndexedDB implementation itself. Writes of response bodies (ArrayBuffers) fail
 * `times` times with QuotaExceededError, in one of the two ways browsers report it: thrown from
 * put(), or (as Chromium does at commit) an aborted transaction whose error is QuotaExceededError
 * while the request itself only sees AbortError.
 */
function failBodyWrites(times: number, how: 'throw' | 'abort') {
  const original = IDBObjectStore.prototype.put;
  let left = times;
  return vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    value: unknown,
    key?: IDBValidKey,
  ) {
    if (left <= 0 || !(value instanceof ArrayBuffer)) return original.call(this, value, key);
    left -= 1;
    if (how === 'throw') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const request = original.call(this, value, key);
    // fake-indexeddb 6's internal abort-with-error, the same path its own failures take.
    (this.transaction as unknown as { _abort(name: string): void })._abort('QuotaExceededError');
    return request;
  });
}

async function fillFour({ cache, clock }: Harness): Promise<void> {
  for (const url of [URL_A, URL_B, URL_C, URL_D]) {
    await cache.put(get(url), ok(url));
    clock.advance(1_000);
  }
}

async function served(cache: Harness['cache'], urls: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const url of urls) if ((await cache.match(get(url))) !== undefined) found.push(url);
  return found;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('QuotaExceededError', () => {
  it.each(['throw', 'abort'] as const)('(%s) evicts the least recently used half and retries once', async (how) => {
    const h = setup();
    await fillFour(h);
    failBodyWrites(1, how);

    await expect(h.cache.put(get(URL_E), ok('fits now'))).resolves.toBeUndefined();

    expect(await served(h.cache, [URL_A, URL_B, URL_C, URL_D, URL_E])).toEqual([URL_C, URL_D, URL_E]);
    const stats = await h.cache.stats();
    expect(stats).toMatchObject({ entries: 3, disabled: false, evictions: 2 });
    expect(stats.bytes).toBe(URL_C.length + URL_D.length + 'fits now'.length);
    expect(h.events).toContainEqual({ type: 'cache-evicted', reason: 'quota', entries: 2, bytes: URL_A.length + URL_B.length });
  });

  it.each(['throw', 'abort'] as const)('(%s) turns puts off after a second refusal, never rejecting', async (how) => {
    const h = setup();
    await fillFour(h);
    failBodyWrites(2, how);

    await expect(h.cache.put(get(URL_E), ok('no room'))).resolves.toBeUndefined();
    const disabled = h.events.find((e) => e.type === 'cache-disabled');
    expect(disabled).toMatchObject({ type: 'cache-disabled', error: { name: 'QuotaExceededError' } });
    expect((await h.cache.stats()).disabled).toBe(true);

    // Storage works again, but this instance no longer writes.
    await expect(h.cache.put(get(URL_E), ok('later'))).resolves.toBeUndefined();
    expect(await h.cache.match(get(URL_E))).toBeUndefined();
    // What survived the eviction is still served as a fallback, and the totals match it.
    expect(await served(h.cache, [URL_A, URL_B, URL_C, URL_D])).toEqual([URL_C, URL_D]);
    expect(await h.cache.stats()).toMatchObject({ entries: 2, bytes: URL_C.length + URL_D.length, puts: 4 });
    expect(h.events.filter((e) => e.type === 'cache-disabled')).toHaveLength(1);
  });

  it('an instance opened later on the same database caches normally', async () => {
    const h = setup();
    await fillFour(h);
    failBodyWrites(2, 'throw');
    await h.cache.put(get(URL_E), ok('no room'));
    vi.restoreAllMocks();

    const restarted = h.sibling();
    await restarted.put(get(URL_E), ok('room again'));
    expect(await restarted.match(get(URL_E))).toBeDefined();
  });
});

describe('failures never reach the caller', () => {
  it('a failing read resolves match with undefined and reports it', async () => {
    const { cache, events } = setup();
    await cache.put(get(URL_A), ok('hello'));
    vi.spyOn(IDBIndex.prototype, 'getAll').mockImplementation(() => {
      throw new DOMException('disk on fire', 'UnknownError');
    });
    await expect(cache.match(get(URL_A))).resolves.toBeUndefined();
    expect(events).toContainEqual({ type: 'cache-error', operation: 'match', error: expect.objectContaining({ name: 'UnknownError' }) });
    expect((await cache.stats()).misses).toBe(1);
  });

  it('a failing write that is not about quota is reported and does not disable the cache', async () => {
    const { cache, events } = setup();
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('disk on fire', 'UnknownError');
    });
    await expect(cache.put(get(URL_A), ok('hello'))).resolves.toBeUndefined();
    expect(events).toContainEqual({ type: 'cache-error', operation: 'put', error: expect.objectContaining({ name: 'UnknownError' }) });
    spy.mockRestore();

    await cache.put(get(URL_A), ok('hello'));
    expect(await cache.match(get(URL_A))).toBeDefined();
    expect(await cache.stats()).toMatchObject({ disabled: false, entries: 1, skipped: { error: 1 } });
  });

  it('a body that was already read is skipped, not thrown', async () => {
    const { cache } = setup();
    const response = ok('hello');
    await response.text();
    await expect(cache.put(get(URL_A), response)).resolves.toBeUndefined();
    expect((await cache.stats()).skipped.error).toBe(1);
  });

  it('a database that cannot open leaves match and put harmless', async () => {
    const events: unknown[] = [];
    const broken = {
      open() {
        throw new DOMException('A mutation operation was attempted', 'InvalidStateError');
      },
    } as unknown as IDBFactory;
    const { createIdbResponseCache } = await import('../../../src/cache/index.js');
    const cache = createIdbResponseCache({ indexedDB: broken, onEvent: (e) => events.push(e) });
    await expect(cache.put(get(URL_A), ok('hello'))).resolves.toBeUndefined();
    await expect(cache.match(get(URL_A))).resolves.toBeUndefined();
    expect(events).toMatchObject([
      { type: 'cache-error', operation: 'put', error: { name: 'InvalidStateError' } },
      { type: 'cache-error', operation: 'match', error: { name: 'InvalidStateError' } },
    ]);
  });

  it('a throwing onEvent listener changes nothing, and its error is reported, not swallowed', async () => {
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { cache } = setup({
      maxEntries: 1,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await cache.put(get(URL_A), ok('a'));
    await expect(cache.put(get(URL_B), ok('b'))).resolves.toBeUndefined(); // evicts A: an event
    expect(await cache.match(get(URL_B))).toBeDefined();
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
    reported.mockRestore();
  });

  // The second case: a page running zone.js (page tracing), whose global Promise is not the class
  // an async function's promise is an instance of.
  for (const zone of [false, true]) it(`an async onEvent listener that rejects is reported, not left unhandled${zone ? ', under zone.js' : ''}`, async () => {
    if (zone) vi.stubGlobal('Promise', class ZoneAwarePromise<T> extends Promise<T> {});
    const reported = vi.spyOn(console, 'error').mockImplementation(() => {});
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { cache } = setup({ maxEntries: 1, onEvent: async () => { throw new Error('async listener bug'); } });
      await cache.put(get(URL_A), ok('a'));
      await cache.put(get(URL_B), ok('b')); // evicts A: an event
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'async listener bug' }));
    } finally {
      vi.unstubAllGlobals();
      process.off('unhandledRejection', onUnhandled);
      reported.mockRestore();
    }
  });
});
