import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { createStores, SCHEMA_VERSION, type CacheSchema } from './schema.js';

export interface Connection<S extends DBSchema> {
  /** The open database, opening it on first use or after it was closed. */
  get(): Promise<IDBPDatabase<S>>;
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
 * One lazily opened connection to `name`, for every database of ours (the cache, the outbox).
 * It is dropped, and reopened on the next use, when another connection asks for a version upgrade
 * (we close so that tab or worker isn't blocked) and when the browser terminates it. A failed
 * open is not remembered, so the next use tries again. The factory is injected because idb's
 * `openDB` always uses the global `indexedDB` (tests give each case its own).
 */
export function lazyDatabase<S extends DBSchema>(
  factory: IDBFactory,
  name: string,
  version: number,
  upgrade: (db: IDBDatabase) => void,
  onDrop: () => void = () => undefined,
): Connection<S> {
  type Db = IDBPDatabase<S>;
  let current: Promise<Db> | undefined;
  let currentDb: Db | undefined;

  const forget = (db: Db) => {
    // A stale event from an earlier connection must not drop a newer one.
    if (currentDb !== db) return;
    current = undefined;
    currentDb = undefined;
    onDrop();
  };

  const openNow = async (): Promise<Db> => {
    const request = factory.open(name, version);
    request.addEventListener('upgradeneeded', () => upgrade(request.result));
    // wrap() of an open request resolves with the wrapped database, untyped; this is our schema.
    const db = (await wrap(request)) as unknown as Db;
    db.addEventListener('versionchange', () => {
      forget(db);
      db.close();
    });
    db.addEventListener('close', () => forget(db));
    return db;
  };

  const open = (): Promise<Db> => {
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

  return {
    get: () => current ?? open(),
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
