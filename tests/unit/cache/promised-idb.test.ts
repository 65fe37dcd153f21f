// The rules of idb's `wrap` that the cache, the worker's state store and the outbox rely on, kept
// by promised-idb.ts (which replaced idb at run time): each one here failed against a wrapper
// that broke it.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { DBSchema, IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import { promised } from '../../../src/cache/promised-idb.js';

interface Schema extends DBSchema {
  items: { key: number; value: { id: number; name: string }; indexes: { byName: string } };
  other: { key: string; value: string };
}

async function open(): Promise<IDBPDatabase<Schema>> {
  const raw = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = new IDBFactory().open('t', 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore('items', { keyPath: 'id' }).createIndex('byName', 'name');
      request.result.createObjectStore('other');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return promised(raw) as IDBPDatabase<Schema>;
}

describe('promised IndexedDB', () => {
  it('answers requests with promises, through stores, indexes and the db shortcuts', async () => {
    const db = await open();
    await db.put('items', { id: 1, name: 'b' });
    await db.add('items', { id: 2, name: 'a' });
    expect(await db.get('items', 1)).toEqual({ id: 1, name: 'b' });
    expect(await db.count('items')).toBe(2);
    const tx = db.transaction('items');
    expect((await tx.store.index('byName').getAll()).map((item) => item.id)).toEqual([2, 1]);
    await tx.done;
    await db.delete('items', 1);
    expect(await db.getAllKeys('items')).toEqual([2]);
  });

  it('keeps one wrapper per object, and tx.store only for a transaction over one store', async () => {
    const db = await open();
    expect(db.objectStoreNames).toContain('items'); // a property that is not a method comes as it is
    const both = db.transaction(['items', 'other']);
    expect(both.store).toBeUndefined();
    expect(both.objectStore('items')).toBe(both.objectStore('items'));
    await both.done;
  });

  it('walks a cursor with continue() to null, deleting along the way', async () => {
    const db = await open();
    for (let id = 1; id <= 5; id++) await db.put('items', { id, name: `n${id}` });
    const tx = db.transaction('items', 'readwrite');
    const seen: number[] = [];
    let cursor = await tx.store.openCursor();
    while (cursor !== null) {
      seen.push(cursor.value.id);
      if (cursor.value.id % 2 === 0) await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(await db.getAllKeys('items')).toEqual([1, 3, 5]);
  });

  it('tx.done resolves on commit, even when awaited only after it', async () => {
    const db = await open();
    const tx = db.transaction('other', 'readwrite');
    await tx.store.put('v', 'k');
    await new Promise((resolve) => setTimeout(resolve, 20)); // committed by now
    await expect(tx.done).resolves.toBeUndefined();
    expect(await db.get('other', 'k')).toBe('v');
  });

  // tx.done rejects at the first error event, which comes before the transaction has its error:
  // hence idb's AbortError (inTransaction then throws the transaction's own error).
  it('a failed request rejects with its error, and tx.done rejects too', async () => {
    const db = await open();
    await db.add('items', { id: 1, name: 'x' });
    const tx = db.transaction('items', 'readwrite');
    const done = tx.done;
    done.catch(() => undefined);
    await expect(tx.store.add({ id: 1, name: 'again' })).rejects.toMatchObject({ name: 'ConstraintError' });
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(tx.error).toMatchObject({ name: 'ConstraintError' });
  });

  it('an aborted transaction rejects tx.done with an AbortError, and settable handlers reach the object', async () => {
    const db = await open();
    const tx = db.transaction('other', 'readwrite');
    let heard = false;
    (tx as unknown as { onabort: () => void }).onabort = () => (heard = true);
    tx.abort();
    await expect(tx.done).rejects.toMatchObject({ name: 'AbortError' });
    expect(heard).toBe(true);
  });

  it('leaves everything else as it is', () => {
    const plain = { a: 1 };
    expect(promised(plain)).toBe(plain);
    expect(promised(3)).toBe(3);
    expect(promised(null)).toBe(null);
  });
});
