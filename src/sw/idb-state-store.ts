import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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

/**
 * Per-origin state and the pages' settings in IndexedDB, so a worker the browser stopped
 * resumes where it was. Opens lazily, lets go on `versionchange`, reopens after `terminated`.
 */
export class IdbStateStore implements StateStore, SettingsStore {
  private db: Promise<IDBPDatabase<StateDB>> | null = null;
  /**
   * What a starting worker reads (the origins, the pages' settings), in one transaction: the
   * engine's load and the settings' two reads used three, two of them one after the other, on the
   * path of the first call after a stop. Dropped by any write, so later reads see it.
   */
  private boot: Promise<{ origins: SavedOriginState[]; get: (key: string) => ConfigRecord | undefined }> | undefined;

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

  /** (A failed read stays failed: each of the three is made once per worker start.) */
  private bootRead(): Promise<{ origins: SavedOriginState[]; get: (key: string) => ConfigRecord | undefined }> {
    return (this.boot ??= this.open().then(async (db) => {
      const tx = db.transaction(['origins', 'config']);
      const config = tx.objectStore('config');
      const [origins, keys, records] = await Promise.all([tx.objectStore('origins').getAll(), config.getAllKeys(), config.getAll()]);
      return { origins, get: (key: string) => records[keys.indexOf(key)] };
    }));
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

  /** The database, for a write: the starting snapshot is dropped, so later reads see it. */
  private writable(): Promise<IDBPDatabase<StateDB>> {
    this.boot = undefined;
    return this.open();
  }

  private open(): Promise<IDBPDatabase<StateDB>> {
    this.db ??= openDB<StateDB>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('origins');
        db.createObjectStore('config');
      },
      blocking: () => this.close(),
      terminated: () => {
        this.db = null;
      },
    }).catch((error: unknown) => {
      this.db = null;
      throw error;
    });
    return this.db;
  }

  private close(): void {
    const db = this.db;
    this.db = null;
    void db?.then((d) => d.close());
  }
}
