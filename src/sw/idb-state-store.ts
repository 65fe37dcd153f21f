import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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

  constructor(private readonly name = 'resilient-fetch-state') {}

  async load(): Promise<SavedOriginState[]> {
    return (await this.open()).getAll('origins');
  }

  async save(state: SavedOriginState): Promise<void> {
    await (await this.open()).put('origins', state, state.origin);
  }

  async loadOverlay(version: string): Promise<PolicyOverlay | undefined> {
    const record = await (await this.open()).get('config', OVERLAY_PREFIX + version);
    return record?.kind === 'overlay' ? record.policy : undefined;
  }

  /** Saves this version's overlay and drops all but the most recently saved few (and any older format). */
  async saveOverlay(version: string, policy: PolicyOverlay): Promise<void> {
    const tx = (await this.open()).transaction('config', 'readwrite');
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
    const record = await (await this.open()).get('config', PARTITION_KEY);
    return record?.kind === 'partition' ? record.cachePartition : undefined;
  }

  async savePartition(cachePartition: string | null): Promise<void> {
    await (await this.open()).put('config', { kind: 'partition', cachePartition }, PARTITION_KEY);
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
