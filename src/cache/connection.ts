import { openCacheDb, type CacheDb } from './schema.js';

export interface Connection {
  /** The open database, opening it on first use or after it was closed. */
  get(): Promise<CacheDb>;
  /** Close now; the next `get()` opens again. */
  close(): Promise<void>;
}

/**
 * One lazily opened connection. It is dropped, and reopened on the next use, when another
 * connection asks for a version upgrade (we close so that tab or worker isn't blocked) and when
 * the browser terminates it. A failed open is not remembered, so the next use tries again.
 * `onDrop` hears each drop and close: what was read through the old connection may be gone.
 */
export function createConnection(factory: IDBFactory, name: string, onDrop: () => void = () => undefined): Connection {
  let current: Promise<CacheDb> | undefined;
  let currentDb: CacheDb | undefined;

  const forget = (db: CacheDb) => {
    // A stale event from an earlier connection must not drop a newer one.
    if (currentDb !== db) return;
    current = undefined;
    currentDb = undefined;
    onDrop();
  };

  const open = (): Promise<CacheDb> => {
    const opening = openCacheDb(factory, name, {
      blocking(db) {
        forget(db);
        db.close();
      },
      terminated: forget,
    }).then(
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
