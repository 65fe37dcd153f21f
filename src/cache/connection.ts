import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
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
 * How long a use waits for the database to open. Opening takes milliseconds (a starting worker's
 * state read lands ~1 ms after its first fetch event, bench/PROFILE.md); one not open in a second
 * is queued behind a connection that will not close.
 */
const OPEN_WAIT_MS = 1_000;

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
  /** Set once the open under way outlasted OPEN_WAIT_MS: later uses fail at once until it settles. */
  let stalled: DOMException | undefined;

  const forget = (db: IDBDatabase) => {
    // A stale event from an earlier connection must not drop a newer one.
    if (currentDb !== db) return;
    current = undefined;
    currentDb = undefined;
    stalled = undefined;
    onDrop();
  };

  // Plain IndexedDB rather than idb's openDB, which only ever uses the global `indexedDB`.
  const openNow = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, version);
      request.onupgradeneeded = () => upgrade(request.result);
      request.onsuccess = () => {
        const db = request.result;
        db.addEventListener('versionchange', () => {
          forget(db);
          db.close();
        });
        db.addEventListener('close', () => forget(db));
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });

  const open = (): Promise<IDBDatabase> => {
    const opening = openNow().then(
      (db) => {
        if (current === opening) {
          currentDb = db;
          stalled = undefined;
        }
        return db;
      },
      (error: unknown) => {
        if (current === opening) {
          current = undefined;
          stalled = undefined;
        }
        throw error;
      },
    );
    current = opening;
    return opening;
  };

  /**
   * The open under way, waited for OPEN_WAIT_MS at most. An open queues behind another context's
   * delete or upgrade, and that waits for every connection to close: one that never does (an old
   * tab's code ignoring versionchange) held every lookup, write, clear and the worker's saved
   * state for good. The open itself goes on, and is used once it succeeds.
   */
  const waitForOpen = (opening: Promise<IDBDatabase>): Promise<IDBDatabase> => {
    if (stalled !== undefined) return Promise.reject(stalled);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new DOMException(`${name}: not open in ${OPEN_WAIT_MS} ms (held by another connection)`, 'TimeoutError');
        if (current === opening) stalled ??= error;
        reject(error);
      }, OPEN_WAIT_MS);
      (timer as { unref?: () => void }).unref?.(); // Node's timers hold the process; browsers' have no such method
      opening.then(
        (db) => (clearTimeout(timer), resolve(db)),
        (error: unknown) => (clearTimeout(timer), reject(error)),
      );
    });
  };
  // Open already: the promise as it is (no timer on the path of every use).
  const raw = () => (currentDb !== undefined && current !== undefined ? current : waitForOpen(current ?? open()));

  return {
    // wrap() keeps one wrapper per database, so each get() after the first finds it made.
    get: async () => wrap(await raw()) as unknown as IDBPDatabase<S>,
    raw,
    async close() {
      const closing = current;
      current = undefined;
      currentDb = undefined;
      stalled = undefined;
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
