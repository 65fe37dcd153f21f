import type { IDBPCursorWithValue, IDBPTransaction, IndexNames } from 'idb';
import { CLOCK_STEP_TOLERANCE_MS } from '../core/stored-age.js';
import { keyOf, type CacheDb, type CacheSchema, type EntryKey, type EntryRecord, type Totals } from './schema.js';
import { inTransaction } from './transaction.js';

/**
 * Every IndexedDB transaction the cache runs. Each function is one transaction, so each is
 * atomic: an entry, its body and the running totals change together or not at all.
 *
 * Requests are awaited one at a time, never gathered with Promise.all: if a later request throws
 * synchronously (a quota or state error), an earlier one would be left to reject with AbortError
 * when the transaction aborts, with nobody listening.
 */

type WriteTx = IDBPTransaction<CacheSchema, ['entries', 'bodies', 'meta'], 'readwrite'>;
type EntryCursor = IDBPCursorWithValue<CacheSchema, ['entries', 'bodies', 'meta'], 'entries', IndexNames<CacheSchema, 'entries'>, 'readwrite'>;

export interface Removed {
  entries: number;
  bytes: number;
}

export interface Limits {
  maxEntries: number;
  maxBytes: number;
}

export interface Hit {
  entry: EntryRecord;
  body: ArrayBuffer;
}

export interface Lookup {
  hit: Hit | undefined;
  /** Entries for the URL that would have matched but are too old; the caller deletes them. */
  expired: EntryRecord[];
}

const EMPTY: Totals = { entries: 0, bytes: 0 };

/**
 * Finds the newest fresh entry stored for `url` whose Vary values `matches` accepts. Vary is
 * known only from a stored response, so all variants of the URL are read (metadata only) and
 * judged one by one; there are rarely more than a handful.
 */
export async function lookup(
  db: CacheDb,
  where: [partition: string, method: string, url: string],
  matches: (entry: EntryRecord) => boolean,
  isExpired: (entry: EntryRecord) => boolean,
): Promise<Lookup> {
  const tx = db.transaction(['entries', 'bodies'], 'readonly');
  return inTransaction(tx, async () => {
    const candidates = (await tx.objectStore('entries').index('byUrl').getAll(where)).filter(matches);
    candidates.sort((a, b) => b.storedAt - a.storedAt);
    const expired = candidates.filter(isExpired);
    const fresh = candidates.find((entry) => !isExpired(entry));
    if (fresh === undefined) return { hit: undefined, expired };
    const body = await tx.objectStore('bodies').get(keyOf(fresh));
    // An entry without its body cannot happen through this module; treat it as absent.
    return { hit: body === undefined ? undefined : { entry: fresh, body }, expired };
  });
}

export interface WriteOutcome {
  evicted: Removed;
  expired: Removed;
}

/**
 * Stores an entry and its body, replacing the variants of the URL it `supersedes` (those the same
 * request would have matched, as Cache.put does), then drops expired entries and evicts least
 * recently used ones until the totals are within `limits`. The new entry itself is never evicted.
 */
export async function writeEntry(
  db: CacheDb,
  entry: EntryRecord,
  body: ArrayBuffer,
  supersedes: (stored: EntryRecord) => boolean,
  isExpired: (stored: EntryRecord) => boolean,
  limits: Limits,
): Promise<WriteOutcome> {
  return withTotals(db, async (tx, totals) => {
    const entries = tx.objectStore('entries');
    const key = keyOf(entry);
    const hasNewKey = (stored: EntryRecord) => sameKey(keyOf(stored), key);

    for (const stored of await entries.index('byUrl').getAll([entry.partition, entry.method, entry.url])) {
      if (supersedes(stored) || hasNewKey(stored)) await remove(tx, stored, totals);
    }
    await entries.put(entry);
    await tx.objectStore('bodies').put(body, key);
    totals.entries += 1;
    totals.bytes += entry.size;

    // Oldest first by storedAt: the walk stops at the first entry that is still fresh.
    const expired = await removeAlong(tx, totals, await entries.index('byStoredAt').openCursor(), isExpired);
    const over = () => totals.entries > limits.maxEntries || totals.bytes > limits.maxBytes;
    return { evicted: await removeLeastRecentlyUsed(tx, totals, entry.lastUsed, over, hasNewKey), expired };
  });
}

/** Evicts the `n` least recently used entries. */
export async function evictLeastRecentlyUsed(db: CacheDb, n: number, now: number): Promise<Removed> {
  return withTotals(db, async (tx, totals) => removeLeastRecentlyUsed(tx, totals, now, (removed) => removed.entries < n));
}

/**
 * Removes entries least recently used first while `goOn` holds. One last used ahead of `now`
 * (beyond CLOCK_STEP_TOLERANCE_MS) was stamped by a clock since set back: its recency is
 * unknown, as its age is to ageMs, so it goes first. Taken for the most recent, such entries (a
 * day of them, after a clock that ran a day fast was fixed) had every newer write evicted first.
 */
async function removeLeastRecentlyUsed(
  tx: WriteTx,
  totals: Totals,
  now: number,
  goOn: (removed: Removed) => boolean,
  spare?: (entry: EntryRecord) => boolean,
): Promise<Removed> {
  const byLastUsed = tx.objectStore('entries').index('byLastUsed');
  const edge = now + CLOCK_STEP_TOLERANCE_MS;
  const removed = { entries: 0, bytes: 0 };
  for (const range of [IDBKeyRange.lowerBound(edge, true), IDBKeyRange.upperBound(edge)]) {
    if (goOn(removed)) await removeAlong(tx, totals, await byLastUsed.openCursor(range), () => goOn(removed), spare, removed);
  }
  return removed;
}

/**
 * Deletes the given entries if they are still expired: between the read that found them and this
 * write, another instance may have stored a fresh copy under the same key.
 */
export async function deleteExpired(
  db: CacheDb,
  keys: readonly EntryKey[],
  isExpired: (entry: EntryRecord) => boolean,
): Promise<Removed> {
  return withTotals(db, async (tx, totals) => {
    const removed = { entries: 0, bytes: 0 };
    for (const key of keys) {
      const entry = await tx.objectStore('entries').get(key);
      if (entry !== undefined && isExpired(entry)) await remove(tx, entry, totals, removed);
    }
    return removed;
  });
}

/**
 * Records a hit for LRU. Only the small metadata record is rewritten, never the body. A later
 * stamp is kept (another instance's), but not one ahead of the clock: see removeLeastRecentlyUsed.
 */
export async function touch(db: CacheDb, key: EntryKey, at: number): Promise<void> {
  const tx = db.transaction('entries', 'readwrite');
  await inTransaction(tx, async () => {
    const entry = await tx.store.get(key);
    if (entry === undefined || (entry.lastUsed >= at && entry.lastUsed - at <= CLOCK_STEP_TOLERANCE_MS)) return;
    await tx.store.put({ ...entry, lastUsed: at });
  });
}

/** Deletes every entry, or only those of one partition ('' = the unpartitioned ones). */
export async function clearEntries(db: CacheDb, partition: string | undefined): Promise<Removed> {
  return withTotals(db, async (tx, totals) => {
    if (partition !== undefined) {
      return removeAlong(tx, totals, await tx.objectStore('entries').index('byPartition').openCursor(partition), () => true);
    }
    await tx.objectStore('entries').clear();
    await tx.objectStore('bodies').clear();
    const removed = { ...totals };
    Object.assign(totals, EMPTY);
    return removed;
  });
}

export async function readTotals(db: CacheDb): Promise<Totals> {
  const tx = db.transaction('meta', 'readonly');
  return inTransaction(tx, async () => (await tx.store.get('totals')) ?? { ...EMPTY });
}

/**
 * Runs `work` in one read-write transaction over the three stores, with the running totals read
 * first and written back last, so they change with the entries or not at all.
 */
async function withTotals<T>(db: CacheDb, work: (tx: WriteTx, totals: Totals) => Promise<T>): Promise<T> {
  const tx: WriteTx = db.transaction(['entries', 'bodies', 'meta'], 'readwrite');
  return inTransaction(tx, async () => {
    const meta = tx.objectStore('meta');
    const totals = (await meta.get('totals')) ?? { ...EMPTY };
    const result = await work(tx, totals);
    await meta.put(totals, 'totals');
    return result;
  });
}

/** Removes the entries `cursor` walks over while `goOn` holds, except those `spare` keeps. */
async function removeAlong(
  tx: WriteTx,
  totals: Totals,
  cursor: EntryCursor | null,
  goOn: (entry: EntryRecord, removed: Removed) => boolean,
  spare?: (entry: EntryRecord) => boolean,
  removed: Removed = { entries: 0, bytes: 0 },
): Promise<Removed> {
  while (cursor !== null && goOn(cursor.value, removed)) {
    if (spare?.(cursor.value) !== true) await remove(tx, cursor.value, totals, removed);
    cursor = await cursor.continue();
  }
  return removed;
}

/** Deletes an entry and its body, takes it off the running totals and counts it in `removed`. */
async function remove(tx: WriteTx, entry: EntryRecord, totals: Totals, removed = { entries: 0, bytes: 0 }): Promise<void> {
  const key = keyOf(entry);
  await tx.objectStore('entries').delete(key);
  await tx.objectStore('bodies').delete(key);
  totals.entries -= 1;
  totals.bytes -= entry.size;
  removed.entries += 1;
  removed.bytes += entry.size;
}

function sameKey(a: EntryKey, b: EntryKey): boolean {
  return a.every((part, i) => part === b[i]);
}
