import { cacheNames } from 'workbox-core/cacheNames.js';
import type { RouteHandlerCallbackOptions, RouteHandlerObject } from 'workbox-core/types.js';
import { createIdbResponseCache, type IdbResponseCacheOptions } from '../cache/index.js';
import { createResilientFetch, type CreateOptions } from '../core/create-resilient-fetch.js';
import type { CallOptions, ResilientFetch } from '../core/types.js';
import { IdbStateStore } from '../sw/idb-state-store.js';

export interface ResilientStrategyOptions extends Omit<CreateOptions, 'cache' | 'store'> {
  /**
   * Stale-if-error store; false for none. Its database is named after Workbox's runtime cache
   * name (so `setCacheNameDetails` prefixes apply) unless `dbName` is given.
   */
  cache?: false | Omit<IdbResponseCacheOptions, 'now' | 'indexedDB'>;
  /** Keep breaker state across worker restarts (default true). */
  persistState?: boolean;
  /** Options applied to every request this strategy handles. */
  callOptions?: Omit<CallOptions, 'traceContext'>;
}

/**
 * A Workbox route handler: `registerRoute(match, new ResilientStrategy({ policy }))` sends the
 * matched requests through the resilience pipeline. Write-behind (state, cache) is kept alive
 * with the event's `waitUntil`, as Workbox's own strategies do.
 */
export class ResilientStrategy implements RouteHandlerObject {
  readonly fetch: ResilientFetch;

  private readonly callOptions: Omit<CallOptions, 'traceContext'> | undefined;

  constructor(options: ResilientStrategyOptions = {}) {
    const { cache: cacheOptions, persistState, callOptions, ...engineOptions } = options;
    const runtimeName = cacheNames.runtime;
    this.callOptions = callOptions;
    this.fetch = createResilientFetch({
      ...engineOptions,
      ...(cacheOptions !== false ? { cache: createIdbResponseCache({ dbName: `${runtimeName}-resilient-fetch`, ...cacheOptions }) } : {}),
      ...(persistState !== false ? { store: new IdbStateStore(`${runtimeName}-resilient-fetch-state`) } : {}),
    });
  }

  handle({ request, event }: RouteHandlerCallbackOptions): Promise<Response> {
    const response = this.fetch(request, { ...(this.callOptions !== undefined ? { resilience: this.callOptions } : {}) });
    const settled = response.then(
      () => this.fetch.settled(),
      () => this.fetch.settled(),
    );
    if ('waitUntil' in event && typeof event.waitUntil === 'function') event.waitUntil(settled);
    return response;
  }
}
