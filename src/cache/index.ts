export { createIdbResponseCache } from './idb-response-cache.js';
export type { IdbResponseCache } from './idb-cache-interface.js';
export { CACHE_DEFAULTS, type IdbResponseCacheOptions } from './options.js';
export type { CacheEvent, CacheOperation, CacheStats, EvictionReason, SkipReason } from './events.js';
