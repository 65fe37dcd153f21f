import type { Hit } from './entry-store.js';
import type { EntryRecord } from './schema.js';

/** A service worker's memory is not ours to take: 1 MiB at most, whatever the entry count. */
const MAX_BYTES = 1_048_576;
/** A body larger than this is read from IndexedDB each time rather than crowd out the rest. */
const MAX_BODY_BYTES = MAX_BYTES / 8;

/**
 * The entries this cache instance wrote or read most recently, kept in memory with their bodies,
 * so a lookup for them needs no IndexedDB transaction. When an outage opens the breaker in front
 * of a full queue, every queued read wants its stored copy at once; as IndexedDB reads those took
 * ~100 ms together (the scorecard's outage tail), from here they take microseconds.
 *
 * It answers only what IndexedDB would: a write replaces what the same request would have
 * matched, `clear` forgets the partition, and any eviction, a dropped connection (another context
 * deleting or upgrading the database) and `close` forget everything. Another instance's writes
 * (the in-page engine's, while no worker of ours controls its page) are forgotten when its
 * WriteNotice arrives. Off by default; on in the service worker, the database's main user.
 */
export class RecentEntries {
  /** By [partition, url]; Map order is recency (least recent first). */
  private readonly byUrl = new Map<string, Hit[]>();
  private bytes = 0;
  private count = 0;

  /** `maxEntries` 0 remembers nothing. */
  constructor(private readonly maxEntries: number) {}

  /** The newest entry for the URL that `matches` accepts and is not expired, if remembered. */
  find(partition: string, url: string, matches: (entry: EntryRecord) => boolean, isExpired: (entry: EntryRecord) => boolean): Hit | undefined {
    const key = urlKey(partition, url);
    const hits = this.byUrl.get(key);
    if (hits === undefined) return undefined;
    const hit = hits.find((candidate) => matches(candidate.entry));
    if (hit === undefined || isExpired(hit.entry)) return undefined;
    this.byUrl.delete(key); // most recently used now
    this.byUrl.set(key, hits);
    return hit;
  }

  /** Remembers a hit read from IndexedDB (newest first among its URL's variants). */
  remember(hit: Hit): void {
    const key = urlKey(hit.entry.partition, hit.entry.url);
    const hits = (this.byUrl.get(key) ?? []).filter((known) => known.entry.varyKey !== hit.entry.varyKey);
    this.replace(key, [...fits(hit), ...hits].sort((a, b) => b.entry.storedAt - a.entry.storedAt));
  }

  /** A write: the new entry replaces every variant it `supersedes`, as in IndexedDB. */
  stored(hit: Hit, supersedes: (entry: EntryRecord) => boolean): void {
    const key = urlKey(hit.entry.partition, hit.entry.url);
    this.replace(key, [...fits(hit), ...(this.byUrl.get(key) ?? []).filter((known) => !supersedes(known.entry))]);
  }

  /** Forgets every variant of one URL in one partition (another instance wrote it). */
  forgetUrl(partition: string, url: string): void {
    this.replace(urlKey(partition, url), []);
  }

  /** Forgets one partition ('' = unpartitioned), or everything. */
  forget(partition?: string): void {
    if (partition === undefined) {
      this.byUrl.clear();
      this.bytes = this.count = 0;
      return;
    }
    for (const [key, hits] of this.byUrl) if (hits[0]!.entry.partition === partition) this.replace(key, []);
  }

  private replace(key: string, hits: Hit[]): void {
    const old = this.byUrl.get(key);
    if (old !== undefined) {
      this.byUrl.delete(key);
      this.count -= old.length;
      this.bytes -= sizeOf(old);
    }
    if (hits.length === 0) return;
    this.byUrl.set(key, hits);
    this.count += hits.length;
    this.bytes += sizeOf(hits);
    for (const [oldest] of this.byUrl) {
      if (this.count <= this.maxEntries && this.bytes <= MAX_BYTES) break;
      this.replace(oldest, []);
    }
  }
}

function urlKey(partition: string, url: string): string {
  return `${partition.length}:${partition}${url}`;
}

function fits(hit: Hit): Hit[] {
  return hit.body.byteLength <= MAX_BODY_BYTES ? [hit] : [];
}

function sizeOf(hits: readonly Hit[]): number {
  return hits.reduce((sum, hit) => sum + hit.body.byteLength, 0);
}
