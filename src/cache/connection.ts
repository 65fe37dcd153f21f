import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { STUCK_AFTER_MS } from '../core/within.js';
import { createStores, SCHEMA_VERSION, type CacheSchema } from './schema.js';

export interface Connection<S extends DBSchema> {
  /** The open database, opening it on first use or after it was closed. */
  get(): Promise<IDBPDatabase<S>>;
  /**
   * The same database without idb's wrappers, for a reader on the path of a starting worker's
   * first call: their first, cold run cost ~0.5 ms of its thread between the open and the read.
   */
  raw(): Promise<IDBDatabase>;
  /** Close now; the next `get()` opens again. */
  close(): Promise<void>;
}

/**
 * The fallback cache's database. `onDrop` hears each drop and close: what was read through the
 * old connection may be gone.
 */
export function createConnection(factory: IDBFactory, name: string, onDrop: () => void = () => undefined): Connection<CacheSchema> {
  return lazyDatabase<CacheSchema>(factory, name, SCHEMA_VERSION, createStores, onDrop);
}

/**
 * One lazily opened connection to `name`, for every database of ours (the cache, the outbox, the
 * worker's state).
 * It is dropped, and reopened on the next use, when another connection asks for a version upgrade
 * (we close so that tab or worker isn't blocked) and when the browser terminates it. A failed
 * open is not remembered, so the next use tries again. The factory is injected (tests give each
 * case its own).
 */
export function lazyDatabase<S extends DBSchema>(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
  onDrop: () => void = () => undefined,
): Connection<S> {
  let current: Promise<IDBDatabase> | undefined;
  let currentDb: IDBDatabase | undefined;
  /** Set while an open is past STUCK_AFTER_MS without an answer. */
  let stalled: Error | undefined;

  const forget = (db: IDBDatabase) => {
    // A stale event from an earlier connection must not drop a newer one.
    if (currentDb !== db) return;
    current = undefined;
    currentDb = undefined;
    onDrop();
  };

  // Plain IndexedDB rather than idb's openDB, which only ever uses the global `indexedDB`.
  const openNow = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, version);
      // An open that has not answered in STUCK_AFTER_MS fails, and so does every use after it, at
      // once, until it answers (then its connection serves). Opening takes ~2 ms (bench:sw's probe),
      // but some WebKit versions never answer an open, and one queued behind another context's
      // delete or upgrade waits for a connection that may never close (an old tab's code): either
      // held every call waiting on the worker's state, cache or outbox forever.
      const timer = setTimeout(() => reject((stalled = new DOMException(`IndexedDB did not open ${name} within ${STUCK_AFTER_MS} ms`, 'TimeoutError'))), STUCK_AFTER_MS);
      (timer as { unref?: () => void }).unref?.(); // Node's timers hold the process; browsers' have no such method
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        clearTimeout(timer);
        if (stalled !== undefined) {
          // Answered late: its callers were failed already, the next use takes it.
          stalled = undefined;
          current = Promise.resolve(db);
          currentDb = db;
        }
        db.addEventListener('versionchange', () => {
          forget(db);
          db.close();
        });
        db.addEventListener('close', () => forget(db));
        resolve(db);
      };
      request.onerror = () => {
        clearTimeout(timer);
        stalled = undefined;
        reject(request.error);
      };
    });

  const open = (): Promise<IDBDatabase> => {
    const opening = openNow().then(
      (db) => {
        if (current === opening) currentDb = db;
        return db;
      },
      (error: unknown) => {
        if (current === opening) current = undefined;
        throw error;
      },
    );
    current = opening;
    return opening;
  };
  const raw = () => (stalled !== undefined ? Promise.reject(stalled) : (current ?? open()));

  return {
    // wrap() keeps one wrapper per database, so each get() after the first finds it made.
    get: async () => wrap(await raw()) as unknown as IDBPDatabase<S>,
    raw,
    async close() {
      const closing = current;
      current = undefined;
      currentDb = undefined;
      onDrop();
      if (closing === undefined) return;
      try {
        (await closing).close();
      } catch {
        // It never opened: nothing to close.
      }
    },
  };
}
