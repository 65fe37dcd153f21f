import type { DBSchema, IDBPDatabase } from 'idb';
import { lazyDatabase, type Connection } from '../cache/connection.js';
import { DEFAULT_MAX_ORIGINS } from '../core/defaults.js';
import type { SavedOriginState, StateStore } from '../core/types.js';
import type { PolicyOverlay } from './config-overlay.js';
import type { SettingsStore } from './live-settings.js';

/** Config versions whose overlays are kept: the active worker's, a waiting one's, and one more. */
const OVERLAY_VERSIONS_KEPT = 3;
const PARTITION_KEY = 'partition';
const OVERLAY_PREFIX = 'overlay:';

type ConfigRecord =
  | { kind: 'overlay'; policy: PolicyOverlay; savedAt: number }
  | { kind: 'partition'; cachePartition: string | null };

interface StateDB extends DBSchema {
  origins: { key: string; value: SavedOriginState };
  config: { key: string; value: ConfigRecord };
}

/** What a starting worker reads: the origins, and the pages' settings by key. */
interface BootRead {
  origins: SavedOriginState[];
  get: (key: string) => ConfigRecord | undefined;
}

/**
 * Per-origin state and the pages' settings in IndexedDB, so a worker the browser stopped
 * resumes where it was. One lazy connection (cache/connection.ts), opened on first use.
 */
export class IdbStateStore implements StateStore, SettingsStore {
  private connection: Connection<StateDB> | undefined;
  /**
   * What a starting worker reads (the origins, the pages' settings), in one transaction: the
   * engine's load and the settings' two reads used three, two of them one after the other, on the
   * path of the first call after a stop. Dropped by any write, so later reads see it.
   */
  private boot: Promise<BootRead> | undefined;

  /**
   * @param maxOrigins the most origins kept (the policy's `maxOrigins`, read at each save): the
   * engine forgets origins past it, so their saved state would only grow the database.
   */
  constructor(
    private readonly name = 'resilient-fetch-state',
    private readonly maxOrigins: () => number = () => DEFAULT_MAX_ORIGINS,
  ) {}

  load(): Promise<SavedOriginState[]> {
    return this.bootRead().then((read) => read.origins);
  }

  /**
   * Starts the starting worker's read now, before the rest of its setup: the first call after a
   * stop waits for it, and opening the database alone takes ~2 ms there (bench:sw's probe).
   */
  preload(): void {
    this.bootRead().catch(() => undefined); // the failure is the loads' to report
  }

  /**
   * (A failed read stays failed: each of the three is made once per worker start.) Plain
   * IndexedDB, not idb's wrappers: this runs while the worker's first fetch event waits, and
   * their first, cold run put ~0.5 ms of the worker's thread between the open and the read.
   */
  private bootRead(): Promise<BootRead> {
    return (this.boot ??= this.database().raw().then(
      (db) =>
        new Promise<BootRead>((resolve, reject) => {
          const tx = db.transaction(['origins', 'config']);
          const config = tx.objectStore('config');
          const origins = tx.objectStore('origins').getAll() as IDBRequest<SavedOriginState[]>;
          const keys = config.getAllKeys() as IDBRequest<string[]>;
          const records = config.getAll() as IDBRequest<ConfigRecord[]>;
          // Requests of one transaction succeed in order: the last one has them all.
          records.onsuccess = () => resolve({ origins: origins.result, get: (key) => records.result[keys.result.indexOf(key)] });
          tx.onabort = () => reject(tx.error ?? new DOMException('the state read was aborted', 'AbortError'));
        }),
    ));
  }

  /** Drops what was read at the start: the next loads read again (a worker taking over from another). */
  reread(): void {
    this.boot = undefined;
  }

  /** Saves one origin's state, then drops the least recently saved origins past `maxOrigins`. */
  async save(state: SavedOriginState): Promise<void> {
    const tx = (await this.writable()).transaction('origins', 'readwrite');
    await tx.store.put(state, state.origin);
    const excess = (await tx.store.count()) - this.maxOrigins();
    if (excess > 0) {
      // Saves happen on breaker transitions and pauses only, and the store holds about
      // maxOrigins records, so reading them all here costs less than an index would to keep.
      const oldest = (await tx.store.getAll()).sort((a, b) => a.savedAt - b.savedAt).slice(0, excess);
      for (const stale of oldest) await tx.store.delete(stale.origin);
    }
    await tx.done;
  }

  async loadOverlay(version: string): Promise<PolicyOverlay | undefined> {
    const record = (await this.bootRead()).get(OVERLAY_PREFIX + version);
    return record?.kind === 'overlay' ? record.policy : undefined;
  }

  /** Saves this version's overlay and drops all but the most recently saved few (and any older format). */
  async saveOverlay(version: string, policy: PolicyOverlay): Promise<void> {
    const tx = (await this.writable()).transaction('config', 'readwrite');
    await tx.store.put({ kind: 'overlay', policy, savedAt: Date.now() }, OVERLAY_PREFIX + version);
    const overlays: { key: string; savedAt: number }[] = [];
    let cursor = await tx.store.openCursor();
    while (cursor !== null) {
      const record = cursor.value;
      if (record.kind === 'overlay') overlays.push({ key: cursor.key, savedAt: record.savedAt });
      else if (record.kind !== 'partition') await cursor.delete(); // written by an older version of this library
      cursor = await cursor.continue();
    }
    overlays.sort((a, b) => b.savedAt - a.savedAt);
    for (const stale of overlays.slice(OVERLAY_VERSIONS_KEPT)) await tx.store.delete(stale.key);
    await tx.done;
  }

  async loadPartition(): Promise<string | null | undefined> {
    const record = (await this.bootRead()).get(PARTITION_KEY);
    return record?.kind === 'partition' ? record.cachePartition : undefined;
  }

  async savePartition(cachePartition: string | null): Promise<void> {
    await (await this.writable()).put('config', { kind: 'partition', cachePartition }, PARTITION_KEY);
  }

  /** The database, through idb's wrappers, for a write: the starting snapshot is dropped, so later reads see it. */
  private writable(): Promise<IDBPDatabase<StateDB>> {
    this.boot = undefined;
    return this.database().get();
  }

  /** Made on first use, so the global `indexedDB` is the one in place then (tests install their own). */
  private database(): Connection<StateDB> {
    return (this.connection ??= lazyDatabase<StateDB>(indexedDB, this.name, 1, (db) => {
      db.createObjectStore('origins');
      db.createObjectStore('config');
    }));
  }
}
