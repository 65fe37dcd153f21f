import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SavedOriginState, StateStore } from '../core/types.js';
import type { LiveConfig } from './protocol.js';

interface StateDB extends DBSchema {
  origins: { key: string; value: SavedOriginState };
  config: { key: string; value: LiveConfig };
}

/**
 * Per-origin state and the page-sent config in IndexedDB, so a worker the browser stopped
 * resumes where it was. Opens lazily, lets go on `versionchange`, reopens after `terminated`.
 */
export class IdbStateStore implements StateStore {
  private db: Promise<IDBPDatabase<StateDB>> | null = null;

  constructor(private readonly name = 'resilient-fetch-state') {}

  async load(): Promise<SavedOriginState[]> {
    return (await this.open()).getAll('origins');
  }

  async save(state: SavedOriginState): Promise<void> {
    await (await this.open()).put('origins', state, state.origin);
  }

  async loadConfig(): Promise<LiveConfig | undefined> {
    return (await this.open()).get('config', 'live');
  }

  async saveConfig(config: LiveConfig): Promise<void> {
    await (await this.open()).put('config', config, 'live');
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
