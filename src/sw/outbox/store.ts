import type { DBSchema, IDBPDatabase } from 'idb';
import { lazyDatabase, type Connection } from '../../cache/connection.js';
import type { OutboxEntry, OutboxEvent, OutboxRefusal } from './entry.js';

export interface OriginBackoff {
  origin: string;
  /** No automatic replay before this (a page's flush may go earlier). */
  notBefore: number;
  /** Failed rounds in a row; the next delay doubles with each. */
  failedRounds: number;
  /** When the last send to it failed. */
  failedAt: number;
}

/**
 * Entries hold metadata only and bodies sit in their own store (as in the response cache), so
 * counting, listing and finding the head of an origin's queue never read a body.
 */
interface OutboxSchema extends DBSchema {
  entries: { key: number; value: OutboxEntry; indexes: { byOrigin: string; byId: string } };
  bodies: { key: number; value: ArrayBuffer };
  origins: { key: string; value: OriginBackoff };
  log: { key: number; value: OutboxEvent };
}

type OutboxDb = IDBPDatabase<OutboxSchema>;

export const OUTBOX_DB_NAME = 'resilient-fetch-outbox';
const SCHEMA_VERSION = 1;
/** Events kept for `list()` and the dashboard's replay log. */
const LOG_LIMIT = 200;

export interface QueueLimits {
  maxEntries: number;
  maxBytes: number;
}

export type AddResult = { stored: true; entry: OutboxEntry & { seq: number } } | { stored: false; cause: OutboxRefusal };

/** The outbox's IndexedDB: one database, opened lazily, reopened after the browser closes it. */
export class OutboxStore {
  private readonly connection: Connection<OutboxSchema>;

  constructor(factory: IDBFactory = indexedDB, name: string = OUTBOX_DB_NAME) {
    this.connection = lazyDatabase<OutboxSchema>(factory, name, SCHEMA_VERSION, createStores);
  }

  /**
   * Stores the entry and its body in one transaction, after checking the bounds inside it, so
   * two writes racing for the last place cannot both take it, and a quota error leaves nothing
   * half-written. Rejects only when IndexedDB fails (QuotaExceededError included).
   */
  async add(entry: OutboxEntry, body: ArrayBuffer, limits: QueueLimits): Promise<AddResult> {
    const db = await this.db();
    const tx = db.transaction(['entries', 'bodies'], 'readwrite');
    const done = tx.done;
    done.catch(() => undefined); // awaited below; an abort must not also surface as unhandled
    const all = await tx.objectStore('entries').getAll();
    const sameUser = all.filter((e) => e.partition === entry.partition).length;
    const bytes = all.reduce((sum, e) => sum + e.bytes, 0);
    let refusal: OutboxRefusal | undefined;
    if (entry.bytes > limits.maxBytes) refusal = 'too-large';
    else if (sameUser >= limits.maxEntries || bytes + entry.bytes > limits.maxBytes) refusal = 'full';
    if (refusal !== undefined) {
      await done;
      return { stored: false, cause: refusal };
    }
    try {
      const seq = await tx.objectStore('entries').add(entry);
      await tx.objectStore('bodies').put(body, seq);
      await done;
      return { stored: true, entry: { ...entry, seq } };
    } catch (error) {
      // A browser reports quota as the transaction's abort; a request that throws at once does
      // not abort it, and the entry added before would commit without its body. Abort ourselves.
      try {
        tx.abort();
      } catch {
        // already aborted or finished
      }
      throw error;
    }
  }

  /** The oldest entry of `origin` queued by `partition` (FIFO: the primary key is the order). */
  async head(origin: string, partition: string | null): Promise<(OutboxEntry & { seq: number }) | undefined> {
    const db = await this.db();
    let cursor = await db.transaction('entries').store.index('byOrigin').openCursor(origin);
    while (cursor !== null) {
      if (cursor.value.partition === partition) return cursor.value as OutboxEntry & { seq: number };
      cursor = await cursor.continue();
    }
    return undefined;
  }

  async body(seq: number): Promise<ArrayBuffer | undefined> {
    return (await this.db()).get('bodies', seq);
  }

  async hasEntries(origin: string, partition: string | null): Promise<boolean> {
    return (await this.head(origin, partition)) !== undefined;
  }

  async remove(seq: number): Promise<void> {
    const db = await this.db();
    const tx = db.transaction(['entries', 'bodies'], 'readwrite');
    await Promise.all([tx.objectStore('entries').delete(seq), tx.objectStore('bodies').delete(seq), tx.done]);
  }

  /**
   * Rewrites a stored entry, only while it is still stored: a clear (sign-out) or an expiry during
   * its send removed it and its body for good, and a put would bring it back without its body.
   */
  async update(entry: OutboxEntry & { seq: number }): Promise<void> {
    const tx = (await this.db()).transaction('entries', 'readwrite');
    if ((await tx.store.getKey(entry.seq)) !== undefined) await tx.store.put(entry);
    await tx.done;
  }

  async entries(): Promise<(OutboxEntry & { seq: number })[]> {
    return (await (await this.db()).getAll('entries')) as (OutboxEntry & { seq: number })[];
  }

  /** Origins with entries of `partition`, in the order their oldest entry was queued. */
  async origins(partition: string | null): Promise<string[]> {
    const all = await this.entries();
    return [...new Set(all.filter((e) => e.partition === partition).map((e) => e.origin))];
  }

  async backoff(origin: string): Promise<OriginBackoff> {
    return (await (await this.db()).get('origins', origin)) ?? { origin, notBefore: 0, failedRounds: 0, failedAt: 0 };
  }

  async backoffs(): Promise<OriginBackoff[]> {
    return (await this.db()).getAll('origins');
  }

  async setBackoff(backoff: OriginBackoff): Promise<void> {
    const db = await this.db();
    if (backoff.failedRounds === 0) await db.delete('origins', backoff.origin);
    else await db.put('origins', backoff);
  }

  /** Removes the entries of one partition, or all; returns how many. */
  async clear(partition?: string | null): Promise<number> {
    const db = await this.db();
    const tx = db.transaction(['entries', 'bodies', 'origins'], 'readwrite');
    let removed = 0;
    let cursor = await tx.objectStore('entries').openCursor();
    while (cursor !== null) {
      if (partition === undefined || cursor.value.partition === partition) {
        await Promise.all([cursor.delete(), tx.objectStore('bodies').delete(cursor.primaryKey)]);
        removed++;
      }
      cursor = await cursor.continue();
    }
    if (partition === undefined) await tx.objectStore('origins').clear();
    await tx.done;
    return removed;
  }

  /** Appends to the bounded event log (oldest dropped first). */
  async log(event: OutboxEvent): Promise<void> {
    const db = await this.db();
    const tx = db.transaction('log', 'readwrite');
    await tx.store.add(event);
    const excess = (await tx.store.count()) - LOG_LIMIT;
    let cursor = excess > 0 ? await tx.store.openCursor() : null;
    for (let i = 0; i < excess && cursor !== null; i++) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  }

  async events(): Promise<OutboxEvent[]> {
    return (await this.db()).getAll('log');
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private db(): Promise<OutboxDb> {
    return this.connection.get();
  }
}

function createStores(db: IDBDatabase): void {
  const entries = db.createObjectStore('entries', { keyPath: 'seq', autoIncrement: true });
  entries.createIndex('byOrigin', 'origin');
  entries.createIndex('byId', 'id', { unique: true });
  db.createObjectStore('bodies');
  db.createObjectStore('origins', { keyPath: 'origin' });
  db.createObjectStore('log', { autoIncrement: true });
}
