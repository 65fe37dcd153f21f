import type { CacheEvent } from '../cache/index.js';
import type { ResilienceEvent } from '../core/types.js';
import { STUCK_AFTER_MS } from '../core/within.js';

/**
 * The cache event an operator must hear about: the fallback cache turned itself off (the browser
 * refused storage twice, or there is no IndexedDB), so stale-if-error stops working until the
 * worker restarts; or its own work stuck (a body stalled while storing), no longer waited for.
 * Evictions and single errors are routine and stay in `cacheStats()`.
 */
export function cacheDegradation(event: CacheEvent, now: () => number = Date.now): ResilienceEvent | undefined {
  if (event.type === 'cache-stuck') return { type: 'degraded', component: 'cache', at: now(), message: `cache ${event.operation}: no answer in ${STUCK_AFTER_MS} ms` };
  if (event.type !== 'cache-disabled') return undefined;
  const cause = event.error instanceof Error ? `${event.error.name}: ${event.error.message}` : String(event.error);
  return { type: 'degraded', component: 'cache', at: now(), message: `fallback cache turned off (${cause}); stale-if-error is unavailable until the worker restarts` };
}
