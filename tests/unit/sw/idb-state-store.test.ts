import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SavedOriginState } from '../../../src/core/types.js';
import { IdbStateStore } from '../../../src/sw/idb-state-store.js';
import { freshDbName } from './fake-worker.js';

function saved(origin: string, savedAt: number): SavedOriginState {
  return { origin, breaker: { state: 'open', openUntil: savedAt + 5_000, openMs: 5_000 }, pausedUntil: null, savedAt };
}

describe('IdbStateStore origins', () => {
  it('keeps at most maxOrigins origins, dropping the least recently saved', async () => {
    const store = new IdbStateStore(freshDbName(), () => 4);
    for (let i = 1; i <= 6; i++) await store.save(saved(`https://o${i}.test`, 1_000 * i));
    await store.save(saved('https://o2.test', 10_000)); // saved again: recent now
    const origins = (await store.load()).map((s) => s.origin).sort();
    expect(origins).toEqual(['https://o2.test', 'https://o4.test', 'https://o5.test', 'https://o6.test']);
  });

  it('follows a limit lowered at run time', async () => {
    let limit = 10;
    const store = new IdbStateStore(freshDbName(), () => limit);
    for (let i = 1; i <= 5; i++) await store.save(saved(`https://o${i}.test`, i));
    limit = 2;
    await store.save(saved('https://o6.test', 6));
    expect((await store.load()).map((s) => s.origin).sort()).toEqual(['https://o5.test', 'https://o6.test']);
  });
});

describe('IdbStateStore at a worker start', () => {
  it('reads the origins and the pages\' settings in one transaction', async () => {
    const name = freshDbName();
    const before = new IdbStateStore(name);
    await before.save(saved('https://o1.test', 1));
    await before.saveOverlay('v1', { defaults: { timeoutMs: 2_000 } });
    await before.savePartition('user-1');
    const restarted = new IdbStateStore(name); // a worker the browser stopped, started again
    const transaction = IDBDatabase.prototype.transaction;
    let transactions = 0;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<IDBDatabase['transaction']>) {
      transactions++;
      return transaction.apply(this, args);
    } as IDBDatabase['transaction'];
    try {
      const [origins, overlay] = await Promise.all([restarted.load(), restarted.loadOverlay('v1')]);
      const partition = await restarted.loadPartition();
      expect(origins.map((s) => s.origin)).toEqual(['https://o1.test']);
      expect(overlay).toEqual({ defaults: { timeoutMs: 2_000 } });
      expect(partition).toBe('user-1');
      expect(transactions).toBe(1);
    } finally {
      IDBDatabase.prototype.transaction = transaction;
    }
  });

  it('reads what was written after the start', async () => {
    const store = new IdbStateStore(freshDbName());
    expect(await store.load()).toEqual([]);
    expect(await store.loadPartition()).toBeUndefined();
    await store.save(saved('https://o1.test', 1));
    await store.savePartition(null);
    await store.saveOverlay('v1', { defaults: { timeoutMs: 2_000 } });
    expect((await store.load()).map((s) => s.origin)).toEqual(['https://o1.test']);
    expect(await store.loadPartition()).toBeNull();
    expect(await store.loadOverlay('v1')).toEqual({ defaults: { timeoutMs: 2_000 } });
  });
});

describe('IdbStateStore and other connections', () => {
  it('lets go of its connection when another asks to upgrade the database, and reads after that fail loudly', async () => {
    const name = freshDbName();
    const store = new IdbStateStore(name);
    store.preload();
    await store.save(saved('https://o1.test', 1));
    const upgraded = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 2);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
      request.onblocked = () => reject(new Error('the upgrade was blocked by the store'));
    });
    expect(upgraded.version).toBe(2);
    upgraded.close();
    // Its schema version is older now: it reopens and the open is refused, it does not hang.
    await expect(store.save(saved('https://o2.test', 2))).rejects.toThrow();
  });
});
