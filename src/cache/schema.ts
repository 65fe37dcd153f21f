import type { DBSchema, IDBPDatabase } from 'idb';

/**
 * Primary key of an entry: [partition, method, url, varyKey]. Every part is a string, so the key
 * works in every engine (IndexedDB keys cannot hold null, hence '' for "no partition").
 */
export type EntryKey = [partition: string, method: string, url: string, varyKey: string];

/** A stored response without its body. Small, so recency updates and eviction scans stay cheap. */
export interface EntryRecord {
  /** '' when stored without a partition; partition keys themselves are never empty. */
  partition: string;
  method: string;
  /** Request URL without its fragment. */
  url: string;
  /** The answer's own URL when fetch followed a redirect to it (absent on entries stored before). */
  finalUrl?: string;
  /** `vary` serialized: the last part of the primary key. */
  varyKey: string;
  /** The request header values the response's Vary named: lower-cased names, sorted. */
  vary: [name: string, value: string | null][];
  status: number;
  statusText: string;
  headers: [name: string, value: string][];
  storedAt: number;
  lastUsed: number;
  /** Body bytes. */
  size: number;
}

export interface Totals {
  entries: number;
  bytes: number;
}

/**
 * Bodies live in their own store: updating `lastUsed` on a hit or walking the LRU index then
 * never reads or rewrites a multi-megabyte ArrayBuffer. The running totals sit in `meta` and are
 * updated in the same transaction as every insert and delete, so they stay exact across
 * instances, tabs and restarts.
 */
export interface CacheSchema extends DBSchema {
  entries: {
    key: EntryKey;
    value: EntryRecord;
    indexes: {
      byUrl: [partition: string, method: string, url: string];
      byPartition: string;
      byLastUsed: number;
      byStoredAt: number;
    };
  };
  bodies: { key: EntryKey; value: ArrayBuffer };
  meta: { key: 'totals'; value: Totals };
}

export type CacheDb = IDBPDatabase<CacheSchema>;

export const SCHEMA_VERSION = 1;
export const NO_PARTITION = '';

export function keyOf(entry: EntryRecord): EntryKey {
  return [entry.partition, entry.method, entry.url, entry.varyKey];
}

/** Creates the stores and indexes on a new database (`upgradeneeded`). */
export function createStores(db: IDBDatabase): void {
  // Version 1 is the first schema; later versions add steps keyed on the old version here.
  const entries = db.createObjectStore('entries', { keyPath: ['partition', 'method', 'url', 'varyKey'] });
  entries.createIndex('byUrl', ['partition', 'method', 'url']);
  entries.createIndex('byPartition', 'partition');
  entries.createIndex('byLastUsed', 'lastUsed');
  entries.createIndex('byStoredAt', 'storedAt');
  db.createObjectStore('bodies');
  db.createObjectStore('meta');
}
