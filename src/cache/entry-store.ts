import type { IDBPTransaction } from 'idb';
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
  const tx: WriteTx = db.transaction(['entries', 'bodies', 'meta'], 'readwrite');
  return inTransaction(tx, async () => {
    const entries = tx.objectStore('entries');
    const totals = await readTotalsIn(tx);
    const key = keyOf(entry);

    for (const stored of await entries.index('byUrl').getAll([entry.partition, entry.method, entry.url])) {
      if (supersedes(stored) || sameKey(keyOf(stored), key)) await remove(tx, stored, totals);
    }
    await entries.put(entry);
    await tx.objectStore('bodies').put(body, key);
    totals.entries += 1;
    totals.bytes += entry.size;

    // Oldest first by storedAt: the walk stops at the first entry that is still fresh.
    const expired = { entries: 0, bytes: 0 };
    let cursor = await entries.index('byStoredAt').openCursor();
    while (cursor !== null && isExpired(cursor.value)) {
      count(expired, await remove(tx, cursor.value, totals));
      cursor = await cursor.continue();
    }

    const evicted = { entries: 0, bytes: 0 };
    const over = () => totals.entries > limits.maxEntries || totals.bytes > limits.maxBytes;
    let lru = over() ? await entries.index('byLastUsed').openCursor() : null;
    while (lru !== null && over()) {
      if (!sameKey(keyOf(lru.value), key)) count(evicted, await remove(tx, lru.value, totals));
      lru = await lru.continue();
    }

    await tx.objectStore('meta').put(totals, 'totals');
    return { evicted, expired };
  });
}

/** Evicts the `n` least recently used entries. */
export async function evictLeastRecentlyUsed(db: CacheDb, n: number): Promise<Removed> {
  const tx: WriteTx = db.transaction(['entries', 'bodies', 'meta'], 'readwrite');
  return inTransaction(tx, async () => {
    const totals = await readTotalsIn(tx);
    const removed = { entries: 0, bytes: 0 };
    let cursor = await tx.objectStore('entries').index('byLastUsed').openCursor();
    while (cursor !== null && removed.entries < n) {
      count(removed, await remove(tx, cursor.value, totals));
      cursor = await cursor.continue();
    }
    await tx.objectStore('meta').put(totals, 'totals');
    return removed;
  });
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
  const tx: WriteTx = db.transaction(['entries', 'bodies', 'meta'], 'readwrite');
  return inTransaction(tx, async () => {
    const totals = await readTotalsIn(tx);
    const removed = { entries: 0, bytes: 0 };
    for (const key of keys) {
      const entry = await tx.objectStore('entries').get(key);
      if (entry !== undefined && isExpired(entry)) count(removed, await remove(tx, entry, totals));
    }
    await tx.objectStore('meta').put(totals, 'totals');
    return removed;
  });
}

/** Records a hit for LRU. Only the small metadata record is rewritten, never the body. */
export async function touch(db: CacheDb, key: EntryKey, at: number): Promise<void> {
  const tx = db.transaction('entries', 'readwrite');
  await inTransaction(tx, async () => {
    const entry = await tx.store.get(key);
    if (entry === undefined || entry.lastUsed >= at) return;
    await tx.store.put({ ...entry, lastUsed: at });
  });
}

/** Deletes every entry, or only those of one partition ('' = the unpartitioned ones). */
export async function clearEntries(db: CacheDb, partition: string | undefined): Promise<Removed> {
  const tx: WriteTx = db.transaction(['entries', 'bodies', 'meta'], 'readwrite');
  return inTransaction(tx, async () => {
    const totals = await readTotalsIn(tx);
    if (partition === undefined) {
      await tx.objectStore('entries').clear();
      await tx.objectStore('bodies').clear();
      await tx.objectStore('meta').put({ ...EMPTY }, 'totals');
      return totals;
    }
    const removed = { entries: 0, bytes: 0 };
    let cursor = await tx.objectStore('entries').index('byPartition').openCursor(partition);
    while (cursor !== null) {
      count(removed, await remove(tx, cursor.value, totals));
      cursor = await cursor.continue();
    }
    await tx.objectStore('meta').put(totals, 'totals');
    return removed;
  });
}

export async function readTotals(db: CacheDb): Promise<Totals> {
  const tx = db.transaction('meta', 'readonly');
  return inTransaction(tx, async () => (await tx.store.get('totals')) ?? { ...EMPTY });
}

async function readTotalsIn(tx: WriteTx): Promise<Totals> {
  return (await tx.objectStore('meta').get('totals')) ?? { ...EMPTY };
}

/** Deletes an entry and its body and takes it off the running totals. */
async function remove(tx: WriteTx, entry: EntryRecord, totals: Totals): Promise<EntryRecord> {
  const key = keyOf(entry);
  await tx.objectStore('entries').delete(key);
  await tx.objectStore('bodies').delete(key);
  totals.entries -= 1;
  totals.bytes -= entry.size;
  return entry;
}

function count(removed: Removed, entry: EntryRecord): void {
  removed.entries += 1;
  removed.bytes += entry.size;
}

function sameKey(a: EntryKey, b: EntryKey): boolean {
  return a.every((part, i) => part === b[i]);
}
