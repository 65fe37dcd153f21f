import { createIdbResponseCache, type CacheEvent, type IdbResponseCache } from '../cache/index.js';
import { reportError } from '../core/report-error.js';
import { cancelBody } from '../core/responses.js';
import type { ResponseCache } from '../core/types.js';
import type { CacheOption } from '../sw/protocol.js';
import type { PageSettings } from './page-settings.js';

/** No option given: the cache on, with its defaults (one object, so a later apply sees no change). */
const DEFAULTS: CacheOption = {};

/**
 * The in-page engine's fallback cache, as the worker's `cache` option says, since both use the
 * same IndexedDB database: none when the worker's is off (an app that turned it off for privacy
 * gets nothing stored by the page either), the worker's `dbName` and limits otherwise. It follows
 * a later report: the engine may have started before the worker answered.
 */
export class PageCache implements ResponseCache {
  private cache: IdbResponseCache | undefined;
  private option: CacheOption | undefined;

  apply({ reportedCache, cache, cachePartition = null }: PageSettings): void {
    const option = reportedCache ?? cache ?? DEFAULTS;
    if (option !== this.option) {
      this.option = option;
      void this.cache?.close();
      this.cache = option === false ? undefined : open(option, cachePartition);
    }
    this.cache?.setPartition(cachePartition);
  }

  match(request: Request): Promise<{ response: Response; storedAt: number } | undefined> {
    return this.cache?.match(request) ?? Promise.resolve(undefined);
  }

  wants(request: Request, response: Response): boolean {
    return this.cache?.wants(request, response) ?? false;
  }

  put(request: Request, response: Response): Promise<void> {
    if (this.cache !== undefined) return this.cache.put(request, response);
    cancelBody(response); // turned off between wants and put
    return Promise.resolve();
  }

  /** Fixes a call's partition when it starts (IdbResponseCache.bindPartition). */
  bindPartition(request: Request): void {
    this.cache?.bindPartition(request);
  }
}

/**
 * A wrong `registerResilience({ cache })` is reported here, not thrown by `registerResilience`:
 * checking it there put the page entry past 3 KB in a Vite app (`npm run size:app`: 3.03 KB).
 */
function open(option: Exclude<CacheOption, false>, partition: string | null): IdbResponseCache | undefined {
  if (typeof indexedDB === 'undefined') return undefined;
  try {
    if (Object(option) !== option) throw new TypeError(`cache must be false or an object, got ${String(option)}`);
    // The worker's own memory and its script partition are not the page's (the partition is live config).
    const { memoryEntries: _memory, partition: _partition, ...shared } = option;
    return createIdbResponseCache({ ...shared, partition, onEvent: warnWhenOff });
  } catch (error) {
    reportError(error); // a wrong registerResilience({ cache }): named, and the calls go on uncached
    return undefined;
  }
}

function warnWhenOff(event: CacheEvent): void {
  if (event.type !== 'cache-disabled') return;
  console.warn('resilient-fetch: the in-page fallback cache turned off; stale-if-error is unavailable in this page', event.error);
}
