export { createIdbResponseCache, type IdbResponseCache } from './idb-response-cache.js';
export { CACHE_DEFAULTS, type IdbResponseCacheOptions } from './options.js';
export type { CacheEvent, CacheOperation, CacheStats, EvictionReason, SkipReason } from './events.js';
