import type { CacheOption } from './protocol.js';

/**
 * The worker's `cache` option as it reports it to pages with its handshake: the database and the
 * limits an in-page engine shares with it, or `false`. Not `memoryEntries` (the worker's own
 * memory) nor `partition` (live config, reported with `config()`); plain values only, as anything
 * else in the option would fail the reply's postMessage, and with it the handshake.
 */
export function cacheReport(cache: CacheOption | undefined): CacheOption {
  if (cache === false) return false;
  const { dbName, maxEntries, maxBytes, maxEntryBytes, maxAgeMs, minRefreshMs } = cache ?? {};
  return { dbName, maxEntries, maxBytes, maxEntryBytes, maxAgeMs, minRefreshMs };
}
