// Some browsers' IndexedDB has been seen never to answer an open (WebKit, after the app was
// suspended). The worker's saved state, its fallback cache and its outbox all live there: none of
// them may hold a call forever.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { outbox } from '../../../src/sw/outbox/index.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

/** An IndexedDB whose open requests never fire an event. */
const silentIndexedDB = { open: () => ({}), deleteDatabase: () => ({}) } as unknown as IDBFactory;

describe('an IndexedDB that never answers', () => {
  it('costs the saved state, the stored copies and the outbox (each said), not the calls', async () => {
    fakeUpstream((request) => (request.url.endsWith('/ok') ? new Response('fresh') : new Response('down', { status: 503 })));
    vi.stubGlobal('indexedDB', silentIndexedDB);
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const heard: ResilienceEvent[] = [];
    const worker = startWorker({
      stateDbName: freshDbName(),
      cache: {},
      outbox,
      policy: { defaults: { retry: { maxRetries: 0 } } },
      onEvent: (e) => heard.push(e),
    });
    const call = (path: string, init: RequestInit = {}) => worker.fetch(new Request(`https://api.test${path}`, { ...init, headers: { [OPTIONS_HEADER]: init.method === 'POST' ? '{"outbox":true}' : '{}' } }));
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 8_000));
    const [fresh, failed, write] = await Promise.race([
      Promise.all([call('/ok'), call('/down'), call('/notes', { method: 'POST', body: 'note' })]),
      hung.then(() => [undefined, undefined, undefined]),
    ]);
    expect(await fresh?.text()).toBe('fresh');
    expect(failed?.status).toBe(503); // no stored copy could be read: the failure as it came
    expect(write?.headers.get('X-Resilience-Outbox-Refused')).toBe('storage-error'); // not kept, and said so
    expect(heard).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'state-store', message: expect.stringContaining('did not open') }));
    expect(reported).toHaveBeenCalled();
  }, 10_000); // each database's first open waits out its 2 s limit: ~4 s in all here
});

describe('an IndexedDB open that answers after its limit', () => {
  it('fails its callers and the uses while it is late, at once; once it answers, its connection serves', async () => {
    const { IDBFactory } = await import('fake-indexeddb');
    const { lazyDatabase } = await import('../../../src/cache/connection.js');
    const real = new IDBFactory();
    /** Opens for real, 2.5 s late. */
    let opens = 0;
    const slow = {
      open(name: string, version: number) {
        opens++;
        const request: { result?: IDBDatabase; onupgradeneeded?: () => void; onsuccess?: () => void; onerror?: () => void } = {};
        setTimeout(() => {
          const opening = real.open(name, version);
          opening.onupgradeneeded = () => ((request.result = opening.result), request.onupgradeneeded?.());
          opening.onsuccess = () => ((request.result = opening.result), request.onsuccess?.());
        }, 2_500);
        return request;
      },
    } as unknown as IDBFactory;
    const connection = lazyDatabase(slow, 'late', 1, (db) => void db.createObjectStore('s'));
    await expect(connection.get()).rejects.toThrow('IndexedDB did not open late within 2000 ms');
    await expect(connection.get()).rejects.toThrow('did not open'); // while it is late: no second open, no second wait
    expect(opens).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const db = await connection.get();
    expect([...db.objectStoreNames]).toEqual(['s']);
    expect(opens).toBe(1);
    await connection.close();
  }, 10_000);
});
