/** What the IndexedDB fallback cache offers beyond the engine's ResponseCache: the app's and the worker's handle on it. */
import type { ResponseCache } from '../core/types.js';
import type { CacheStats } from './events.js';

export interface IdbResponseCache extends ResponseCache {
  /** Whether `put` would store this response now (metadata and recent writes only; sync). */
  wants(request: Request, response: Response): boolean;
  /**
   * A fresh copy of the stored response for `request` (same status, status text, headers and
   * bytes), with when it was stored; undefined when there is none or the cache failed. Never rejects.
   */
  match(request: Request): Promise<{ response: Response; storedAt: number } | undefined>;
  /**
   * Stores `response` if it is storable. Reads (consumes) the body, so pass a clone of a response
   * you still use: `cache.put(request, response.clone())`. Never rejects.
   */
  put(request: Request, response: Response): Promise<void>;
  /**
   * Deletes every entry, or those of one partition (null = the unpartitioned ones). Waits for puts
   * already under way, so nothing of a cleared partition lands afterwards. Unlike match and put,
   * this rejects when it fails: a caller clearing a user's data on sign-out must know.
   */
  clear(partition?: string | null): Promise<void>;
  /** Switches the partition used by later calls (e.g. on sign-in and sign-out). */
  setPartition(key: string | null): void;
  /**
   * Fixes the partition of one call when it starts: a later match or put of this same Request
   * object uses the partition current now, whatever `setPartition` says by the time its
   * response arrives. A call that was never bound uses the partition current at match or put.
   */
  bindPartition(request: Request): void;
  stats(): Promise<CacheStats>;
  /**
   * Resolves when every put and write-behind (recency, expiry) started so far has finished, or
   * STUCK_AFTER_MS (2 s) after it was called: what has not finished by then (a body stalled while
   * storing) is reported as `cache-stuck` and no longer waited for. Never rejects.
   */
  settled(): Promise<void>;
  /** Closes the database connection after pending writes; a later call opens it again. */
  close(): Promise<void>;
}
