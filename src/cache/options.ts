import type { CacheEvent } from './events.js';
import { fail, integer, nonNegativeOrInfinity, positiveOrInfinity } from '../core/validation.js';

const MiB = 1024 * 1024;

/**
 * The fallback cache's options (`installResilience({ cache })`, or `createIdbResponseCache`). Every
 * field is optional; an invalid one throws a TypeError naming it and the value.
 */
export interface IdbResponseCacheOptions {
  /** IndexedDB database name. Two caches on the same name share their entries. (`'resilient-fetch-cache'`) */
  dbName?: string;
  /** Most entries kept; the least recently used go first. (500) */
  maxEntries?: number;
  /** Most body bytes kept across all entries; the least recently used go first. `Infinity`: no limit. (50 MiB) */
  maxBytes?: number;
  /** Largest body stored; a bigger response is not stored. At most `maxBytes`. (min(5 MiB, maxBytes)) */
  maxEntryBytes?: number;
  /** An entry older than this is never served, and is deleted when found. `Infinity`: no limit. (7 days) */
  maxAgeMs?: number;
  /**
   * A response whose key was stored less than this long ago is not written again. Under steady
   * traffic to one URL every success would otherwise cost an IndexedDB write (bench:sw measured
   * about 1.5 ms added to each call); a fallback copy a second older serves just as well. (1_000)
   */
  minRefreshMs?: number;
  /**
   * Entries also kept in memory (the most recently used, bodies up to 128 KiB, 1 MiB in all), so
   * serving them needs no IndexedDB transaction. Only for a cache that is its database's one
   * writer: another instance's writes are not seen here. The service worker turns it on (64). (0)
   */
  memoryEntries?: number;
  /**
   * Partition key (e.g. the signed-in user); `null` = the shared, unauthenticated partition.
   * Responses with `Authorization`, `Cache-Control: private` or `Vary: Cookie` are stored only
   * under a partition. Pages change it with `configure({ cachePartition })`. (null)
   */
  partition?: string | null;
  /** Clock, injected so tests drive age and recency exactly. (`Date.now`) */
  now?: () => number;
  /** IndexedDB implementation; none means no caching, never a failed request. (`globalThis.indexedDB`) */
  indexedDB?: IDBFactory;
  /** Evictions, errors and degradation are reported here; the cache itself never throws them. (none) */
  onEvent?: (event: CacheEvent) => void;
}

export interface ResolvedCacheOptions {
  dbName: string;
  maxEntries: number;
  maxBytes: number;
  maxEntryBytes: number;
  maxAgeMs: number;
  minRefreshMs: number;
  memoryEntries: number;
  partition: string | null;
  now: () => number;
  indexedDB: IDBFactory | undefined;
  onEvent: (event: CacheEvent) => void;
}

export const CACHE_DEFAULTS = {
  dbName: 'resilient-fetch-cache',
  maxEntries: 500,
  maxBytes: 50 * MiB,
  maxEntryBytes: 5 * MiB,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  minRefreshMs: 1000,
  memoryEntries: 0,
} as const;

/**
 * Fills in defaults and checks every field. Messages name the field and the value, because the
 * options usually arrive from far away (worker config sent by a page).
 */
export function resolveCacheOptions(options: IdbResponseCacheOptions = {}): ResolvedCacheOptions {
  const dbName = options.dbName ?? CACHE_DEFAULTS.dbName;
  if (typeof dbName !== 'string' || dbName === '') fail('dbName', dbName, 'a non-empty string');

  const maxEntries = options.maxEntries ?? CACHE_DEFAULTS.maxEntries;
  integer(1)(maxEntries, 'maxEntries');

  // Infinity is allowed: "no limit" is a legitimate choice for bytes and age.
  const maxBytes = options.maxBytes ?? CACHE_DEFAULTS.maxBytes;
  positiveOrInfinity(maxBytes, 'maxBytes');
  const maxAgeMs = options.maxAgeMs ?? CACHE_DEFAULTS.maxAgeMs;
  positiveOrInfinity(maxAgeMs, 'maxAgeMs');
  const minRefreshMs = options.minRefreshMs ?? CACHE_DEFAULTS.minRefreshMs;
  nonNegativeOrInfinity(minRefreshMs, 'minRefreshMs');
  const memoryEntries = options.memoryEntries ?? CACHE_DEFAULTS.memoryEntries;
  integer(0)(memoryEntries, 'memoryEntries');

  // An entry bigger than the whole budget could never stay, so an explicit one is an error; the
  // default quietly shrinks to fit a small budget instead.
  let maxEntryBytes: number;
  if (options.maxEntryBytes === undefined) {
    maxEntryBytes = Math.min(CACHE_DEFAULTS.maxEntryBytes, maxBytes);
  } else {
    maxEntryBytes = options.maxEntryBytes;
    positiveOrInfinity(maxEntryBytes, 'maxEntryBytes');
    if (maxEntryBytes > maxBytes) fail('maxEntryBytes', maxEntryBytes, `at most maxBytes (${maxBytes})`);
  }

  const partition = checkPartition('partition', options.partition ?? null);

  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('now', now, 'a function returning milliseconds');

  const onEvent = options.onEvent ?? noop;
  if (typeof onEvent !== 'function') fail('onEvent', onEvent, 'a function');

  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (factory != null && typeof factory.open !== 'function') fail('indexedDB', factory, 'an IDBFactory');

  return { dbName, maxEntries, maxBytes, maxEntryBytes, maxAgeMs, minRefreshMs, memoryEntries, partition, now, onEvent, indexedDB: factory ?? undefined };
}

/** A partition key is a non-empty string, or null for "no partition". */
export function checkPartition(field: string, value: unknown): string | null {
  if (value === null || (typeof value === 'string' && value !== '')) return value;
  return fail(field, value, 'a non-empty string or null');
}

function noop(): void {}
