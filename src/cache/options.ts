import type { CacheEvent } from './events.js';
import { fail, integer, isFunction, isObject, nonNegativeOrInfinity, positiveOrInfinity, rejectUnknownKeys, rule, type Rule } from '../core/validation.js';

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
   * serving them needs no IndexedDB transaction. Another instance's writes to the same database
   * are forgotten when its notice arrives (a BroadcastChannel; without one they are not seen).
   * The service worker turns it on (64). (0)
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


/** Each field's rule, in the order fields are checked (maxBytes before maxEntryBytes, which it bounds). */
const RULES: { readonly [K in keyof ResolvedCacheOptions]: Rule } = {
  dbName: rule((v) => typeof v === 'string' && v !== '', 'a non-empty string'),
  maxEntries: integer(1),
  // Infinity is allowed: "no limit" is a legitimate choice for bytes and age.
  maxBytes: positiveOrInfinity,
  maxAgeMs: positiveOrInfinity,
  minRefreshMs: nonNegativeOrInfinity,
  memoryEntries: integer(0),
  maxEntryBytes: positiveOrInfinity,
  partition: (value, field) => checkPartition(field, value),
  now: rule(isFunction, 'a function returning milliseconds'),
  onEvent: rule(isFunction, 'a function'),
  indexedDB: rule((v) => v == null || typeof (v as IDBFactory).open === 'function', 'an IDBFactory'),
};

/**
 * Fills in defaults and checks every field. Messages name the field and the value, because the
 * options usually arrive from far away (worker config sent by a page).
 */
export function resolveCacheOptions(options: IdbResponseCacheOptions = {}): ResolvedCacheOptions {
  const given: unknown = options;
  if (!isObject(given)) fail('options', options, 'an object');
  // A misspelt limit (`maxEntires`) was ignored: the cache ran on the default it meant to change.
  rejectUnknownKeys(RULES, given, '');
  const maxBytes = options.maxBytes ?? CACHE_DEFAULTS.maxBytes;
  const defaults: ResolvedCacheOptions = {
    ...CACHE_DEFAULTS,
    // An entry bigger than the whole budget could never stay: the default shrinks to fit a small
    // budget, while an explicit one is refused below.
    maxEntryBytes: Math.min(CACHE_DEFAULTS.maxEntryBytes, maxBytes),
    partition: null,
    now: Date.now,
    onEvent: noop,
    // Read only when no factory is given: in a sandboxed frame merely reading it throws.
    get indexedDB() {
      return globalThis.indexedDB;
    },
  };
  const resolved = {} as Record<string, unknown>;
  for (const key of Object.keys(RULES) as (keyof ResolvedCacheOptions)[]) {
    const explicitEntryBytes = key === 'maxEntryBytes' && options.maxEntryBytes !== undefined;
    // null means "the default" as undefined does, except for an explicit maxEntryBytes.
    const value = explicitEntryBytes ? options.maxEntryBytes : (options[key] ?? defaults[key]);
    RULES[key](value, key);
    if (explicitEntryBytes && (value as number) > maxBytes) fail(key, value, `at most maxBytes (${maxBytes})`);
    resolved[key] = value;
  }
  const opts = resolved as unknown as ResolvedCacheOptions;
  opts.indexedDB ??= undefined; // a global indexedDB of null: none, as where it does not exist
  return opts;
}

/** A partition key is a non-empty string, or null for "no partition". */
export function checkPartition(field: string, value: unknown): string | null {
  if (value === null || (typeof value === 'string' && value !== '')) return value;
  return fail(field, value, 'a non-empty string or null');
}

function noop(): void {}
