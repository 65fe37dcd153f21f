/** Why `put` chose not to store a response. */
export type SkipReason =
  | 'method' // not a GET
  | 'status' // not a 200
  | 'opaque' // no-cors response: status, headers and body are hidden from us
  | 'no-store' // Cache-Control: no-store on the response
  | 'request-no-store' // the request was made with cache: 'no-store', or carries Cache-Control: no-store
  | 'vary-star' // Vary: * can never be matched
  | 'authorization' // request carries Authorization and no partition is set
  | 'private' // Cache-Control: private and no partition is set
  | 'vary-cookie' // Vary: Cookie and no partition is set (the worker never sees cookies)
  | 'too-large' // body over maxEntryBytes
  | 'fresh' // the same key was stored less than minRefreshMs ago
  | 'disabled' // caching was turned off after repeated QuotaExceededError
  | 'error'; // reading the body or writing the entry failed (reported as cache-error)

export const SKIP_REASONS: readonly SkipReason[] = [
  'method',
  'status',
  'opaque',
  'no-store',
  'request-no-store',
  'vary-star',
  'authorization',
  'private',
  'vary-cookie',
  'too-large',
  'fresh',
  'disabled',
  'error',
];

/** What the cache was doing when an error was reported. */
export type CacheOperation = 'open' | 'match' | 'put' | 'touch' | 'expire' | 'evict' | 'clear' | 'stats';

export type EvictionReason =
  | 'limit' // over maxEntries or maxBytes after a put
  | 'quota' // the browser refused a write; half the entries went to make room
  | 'expired'; // older than maxAgeMs

export type CacheEvent =
  | { type: 'cache-evicted'; reason: EvictionReason; entries: number; bytes: number }
  | { type: 'cache-disabled'; error: unknown }
  | { type: 'cache-error'; operation: CacheOperation; error: unknown }
  /** settled() (and so clear and close) stopped waiting for this, unfinished after STUCK_AFTER_MS (2 s). */
  | { type: 'cache-stuck'; operation: CacheOperation };

export interface CacheStats {
  /** Entries stored in the database (all instances, all partitions). */
  entries: number;
  /** Body bytes stored in the database (all instances, all partitions). */
  bytes: number;
  /** The rest count what this instance did since it was created. */
  hits: number;
  misses: number;
  puts: number;
  skipped: Record<SkipReason, number>;
  /** Entries removed to stay within maxEntries/maxBytes or to make room after a quota error. */
  evictions: number;
  /** Entries removed because they were older than maxAgeMs. */
  expired: number;
  /** True once repeated QuotaExceededError turned puts into no-ops. */
  disabled: boolean;
}
