import { reportError } from '../core/report-error.js';
import { cancelBody, withUrlOf } from '../core/responses.js';
import { ageMs } from '../core/stored-age.js';
import { createConnection } from './connection.js';
import type { IdbResponseCache } from './idb-cache-interface.js';
import {
  clearEntries,
  deleteExpired,
  evictLeastRecentlyUsed,
  lookup,
  readTotals,
  touch,
  writeEntry,
  type Removed,
} from './entry-store.js';
import { SKIP_REASONS, type CacheEvent, type EvictionReason, type SkipReason } from './events.js';
import { checkPartition, resolveCacheOptions, type IdbResponseCacheOptions } from './options.js';
import { isQuotaExceeded } from './quota.js';
import { readBodyWithin } from './read-body.js';
import { RecentEntries } from './recent-entries.js';
import { keyOf, NO_PARTITION, type EntryRecord, type Totals } from './schema.js';
import { mayMatch, servableUnpartitioned, whyNotStorable } from './storable.js';
import { storedHeaders, withoutFragment } from './stored-form.js';
import { varyHeaderNames, varyKey, varyMatches, varyValues } from './vary.js';
import { TrackedWork } from './tracked-work.js';
import { writeNotices } from './write-notices.js';

/** Bounds the memory of recent writes; forgetting only costs an extra write. */
const RECENT_PUTS_LIMIT = 1000;
const TOUCH_INTERVAL_MS = 60_000;

function recentKeyOf(request: Request, partition: string | null, vary: ReturnType<typeof varyValues>): string {
  return JSON.stringify([partition, withoutFragment(request.url), varyKey(vary)]);
}

/** A ResponseCache on IndexedDB, for a service worker or a page. See IdbResponseCacheOptions. */
export function createIdbResponseCache(options?: IdbResponseCacheOptions): IdbResponseCache {
  const opts = resolveCacheOptions(options);
  /** What this instance wrote or read lately, answered without a transaction (see RecentEntries). */
  const recent = opts.memoryEntries > 0 ? new RecentEntries(opts.memoryEntries) : undefined;
  const connection = opts.indexedDB === undefined ? undefined : createConnection(opts.indexedDB, opts.dbName, () => recent?.forget());
  const limits = { maxEntries: opts.maxEntries, maxBytes: opts.maxBytes };
  /**
   * What this instance writes, told to the others on its database; heard where memory is on. A
   * write overlapping a lookup commits after it (IndexedDB orders them), so its notice always
   * comes after the lookup's hit was remembered.
   */
  const notices = connection === undefined ? undefined : writeNotices(opts.dbName, recent && (([partition, url]) => (url === undefined ? recent.forget(partition) : recent.forgetUrl(partition!, url))));

  let partition = opts.partition;
  /** Partitions fixed when calls started; weak, so a finished call's Request is not kept. */
  const bound = new WeakMap<Request, string | null>();
  const partitionOf = (request: Request): string | null => (bound.has(request) ? (bound.get(request) ?? null) : partition);
  let disabled = false;
  let lastTotals: Totals = { entries: 0, bytes: 0 };
  const counters = { hits: 0, misses: 0, puts: 0, evictions: 0, expired: 0 };
  const skipped = Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as Record<SkipReason, number>;
  /**
   * Clears started so far: a put started before one does not write (whatever partition it
   * cleared: clears are rare, a sign-out), as one stuck past settled()'s wait would land after it.
   */
  let clears = 0;
  /** When each key was last written by this instance, to skip rewriting it within minRefreshMs. */
  const recentPuts = new Map<string, number>();

  const report = (event: CacheEvent): void => {
    try {
      // An async listener's rejection, too: told by its then, as zone.js's global Promise is not its class.
      const returned = opts.onEvent(event) as PromiseLike<unknown> | null | undefined;
      if (typeof returned?.then === 'function') returned.then(undefined, reportError);
    } catch (error) {
      reportError(error); // a faulty listener must not turn into a failed request, nor go unseen
    }
  };

  const disable = (error: unknown): void => {
    if (disabled) return;
    disabled = true;
    report({ type: 'cache-disabled', error });
  };

  const reportRemoved = (reason: EvictionReason, removed: Removed): void => {
    if (removed.entries === 0) return;
    if (reason !== 'expired') recent?.forget(); // which ones is not reported: forget them all
    if (reason === 'expired') counters.expired += removed.entries;
    else counters.evictions += removed.entries;
    report({ type: 'cache-evicted', reason, entries: removed.entries, bytes: removed.bytes });
  };

  const work = new TrackedWork(report);
  const settled = () => work.settled();

  const isExpiredAt = (now: number) => (entry: EntryRecord) => ageMs(entry.storedAt, now) > opts.maxAgeMs; // unknown age (clock set back): expired

  if (connection === undefined) disable(new Error('IndexedDB is not available here; pass options.indexedDB'));

  async function match(request: Request): Promise<{ response: Response; storedAt: number } | undefined> {
    const current = partitionOf(request);
    try {
      if (connection === undefined || !mayMatch(request, current)) {
        counters.misses += 1;
        return undefined;
      }
      const now = opts.now();
      const isExpired = isExpiredAt(now);
      const partitionKey = current ?? NO_PARTITION;
      const url = withoutFragment(request.url);
      const matches = (entry: EntryRecord) => varyMatches(request, entry.vary) && (current !== null || servableUnpartitioned(entry));
      if (recent !== undefined) notices?.listen();
      const remembered = recent?.find(partitionKey, url, matches, isExpired);
      const { hit, expired } = remembered !== undefined ? { hit: remembered, expired: [] } : await lookup(await connection.get(), [partitionKey, 'GET', url], matches, isExpired);
      if (hit !== undefined && remembered === undefined) recent?.remember(hit);
      if (expired.length > 0) {
        const keys = expired.map(keyOf);
        void work.track('expire', async () => reportRemoved('expired', await deleteExpired(await connection.get(), keys, isExpired)));
      }
      if (hit === undefined) {
        counters.misses += 1;
        return undefined;
      }
      counters.hits += 1;
      // Recency is written behind, and at most once a minute per entry: LRU order needs no
      // finer grain, and a write per stale serve slowed the open-breaker path (bench:sw).
      if (ageMs(hit.entry.lastUsed, now) >= TOUCH_INTERVAL_MS) { // a stamp ahead of a clock since set back, too
        hit.entry.lastUsed = now;
        const key = keyOf(hit.entry);
        void work.track('touch', async () => touch(await connection.get(), key, now));
      }
      const { status, statusText, headers, storedAt, url: requested, finalUrl } = hit.entry;
      // The copy reads as the answer it copies, redirect included, as a Cache API copy does.
      return { response: withUrlOf(new Response(hit.body, { status, statusText, headers }), { url: finalUrl ?? requested, redirected: finalUrl !== undefined }), storedAt };
    } catch (error) {
      counters.misses += 1;
      report({ type: 'cache-error', operation: 'match', error });
      return undefined;
    }
  }

  async function store(request: Request, response: Response, current: string | null, clearsBefore: number): Promise<void> {
    if (disabled || connection === undefined) {
      skipped.disabled += 1;
      cancelBody(response);
      return;
    }
    const reason = whyNotStorable(request, response, { partition: current, maxEntryBytes: opts.maxEntryBytes });
    if (reason !== undefined) {
      skipped[reason] += 1;
      cancelBody(response);
      return;
    }
    const names = varyHeaderNames(response);
    const vary = varyValues(request, names === '*' ? [] : names);
    const now = opts.now();
    const recentKey = recentKeyOf(request, current, vary);
    if (ageMs(recentPuts.get(recentKey) ?? -Infinity, now) < opts.minRefreshMs) {
      skipped.fresh += 1;
      cancelBody(response);
      return;
    }
    // Claimed now, not when the write commits: answers arriving while it runs must not queue more.
    if (recentPuts.size >= RECENT_PUTS_LIMIT) recentPuts.clear();
    recentPuts.set(recentKey, now);
    let body: ArrayBuffer | undefined;
    try {
      body = await readBodyWithin(response, opts.maxEntryBytes);
    } catch (error) {
      recentPuts.delete(recentKey); // a body cut off mid-read stored nothing: the next answer may
      throw error;
    }
    if (body === undefined) {
      recentPuts.delete(recentKey);
      skipped['too-large'] += 1;
      return;
    }
    const entry: EntryRecord = {
      partition: current ?? NO_PARTITION,
      method: 'GET',
      url: withoutFragment(request.url),
      ...(response.redirected ? { finalUrl: response.url } : {}),
      varyKey: varyKey(vary),
      vary,
      status: response.status,
      statusText: response.statusText,
      headers: storedHeaders(response.headers),
      storedAt: now,
      lastUsed: now,
      size: body.byteLength,
    };

    // What this request would have matched is superseded, as with Cache.put.
    const supersedes = (stored: EntryRecord) => varyMatches(request, stored.vary);
    const write = async () => {
      const db = await connection.get();
      if (clears !== clearsBefore) return; // cleared since it started
      const outcome = await writeEntry(db, entry, body, supersedes, isExpiredAt(now), limits);
      notices?.tell(outcome.evicted.entries > 0 ? [] : [entry.partition, entry.url]); // which were evicted is not said
      recent?.stored({ entry, body }, supersedes);
      counters.puts += 1;
      reportRemoved('limit', outcome.evicted);
      reportRemoved('expired', outcome.expired);
    };

    try {
      await write();
    } catch (error) {
      recentPuts.delete(recentKey);
      if (!isQuotaExceeded(error)) throw error;
      try {
        // The browser's quota is not ours to know, so make generous room (half, LRU first) and
        // try once more; a second refusal means this origin's storage is full for good.
        const db = await connection.get();
        const { entries } = await readTotals(db);
        reportRemoved('quota', await evictLeastRecentlyUsed(db, Math.ceil(entries / 2), opts.now()));
        await write();
      } catch (retryError) {
        if (!isQuotaExceeded(retryError)) throw retryError;
        skipped.disabled += 1;
        disable(retryError);
      }
    }
  }

  /** Sync pre-check so the engine copies only responses that will be written. */
  function wants(request: Request, response: Response): boolean {
    if (disabled || connection === undefined) return false;
    const current = partitionOf(request);
    if (whyNotStorable(request, response, { partition: current, maxEntryBytes: opts.maxEntryBytes }) !== undefined) return false;
    const names = varyHeaderNames(response);
    const key = recentKeyOf(request, current, varyValues(request, names === '*' ? [] : names));
    return ageMs(recentPuts.get(key) ?? -Infinity, opts.now()) >= opts.minRefreshMs; // a clock set back a day no longer refuses refreshes for that day
  }

  return {
    match,
    wants,

    put(request, response) {
      const current = partitionOf(request);
      const clearsBefore = clears;
      return work.track('put', async () => {
        try {
          await store(request, response, current, clearsBefore);
        } catch (error) {
          skipped.error += 1;
          throw error;
        }
      });
    },

    async clear(which) {
      const target = which === undefined ? undefined : (checkPartition('partition', which) ?? NO_PARTITION);
      clears += 1;
      await settled();
      recentPuts.clear();
      if (connection === undefined) return;
      try {
        await clearEntries(await connection.get(), target);
        recent?.forget(target); // after, so what a lookup read while it ran is forgotten too
        notices?.tell(target === undefined ? [] : [target]);
      } catch (error) {
        report({ type: 'cache-error', operation: 'clear', error });
        throw error;
      }
    },

    setPartition(key) {
      partition = checkPartition('partition', key);
    },

    bindPartition(request) {
      bound.set(request, partition);
    },

    async stats() {
      if (connection !== undefined) {
        try {
          lastTotals = await readTotals(await connection.get());
        } catch (error) {
          // Fall back to the last totals read rather than fail a dashboard.
          report({ type: 'cache-error', operation: 'stats', error });
        }
      }
      return { ...lastTotals, ...counters, skipped: { ...skipped }, disabled };
    },

    settled,

    async close() {
      await settled();
      notices?.close();
      await connection?.close();
    },
  };
}
