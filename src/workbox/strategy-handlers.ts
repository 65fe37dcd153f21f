import type { StrategyHandler } from 'workbox-strategies/StrategyHandler.js';
import type { WorkboxPlugin } from 'workbox-core/types.js';
import type { IdbResponseCache } from '../cache/index.js';
import { NOT_SENT } from '../core/attempt.js';
import { cancelBody } from '../core/responses.js';
import type { ResponseCache } from '../core/types.js';

/**
 * One engine serves every request a strategy handles (its breakers and budgets are per origin,
 * not per request), but each request has its own Workbox `StrategyHandler`, whose plugins must
 * see that request's attempts. The engine hands its transport and its cache the very Request
 * object it was called with, so that object is the key back to its handler.
 */
export class StrategyHandlers {
  private readonly byRequest = new WeakMap<Request, StrategyHandler>();

  /** Routes the engine's attempts and cache writes for `request` through `handler`. */
  track(request: Request, handler: StrategyHandler): void {
    this.byRequest.set(request, handler);
    // Workbox runs fetchDidSucceed inside handler.fetch's try: an app's callback that throws there
    // rejects the attempt as a network error would, though the upstream answered. Counted as that,
    // it opened the breaker against a healthy origin and resent writes the upstream had applied.
    // Its error is marked where it is thrown, so no other attempt (a navigation's, answered late
    // after its timeout, while the retry runs) is taken for it.
    const callbacks = handler.iterateCallbacks.bind(handler);
    handler.iterateCallbacks = function* (name) {
      for (const callback of callbacks(name)) yield name === 'fetchDidSucceed' ? answeredThenThrew(callback as FetchDidSucceed) : callback;
    } as typeof handler.iterateCallbacks;
  }

  /**
   * The engine's transport: every attempt goes through `handler.fetch`, so `requestWillFetch`,
   * `fetchDidSucceed` and `fetchDidFail` run for each one, retries included.
   */
  readonly transport: typeof fetch = (input, init) => {
    const handler = input instanceof Request ? this.byRequest.get(input) : undefined;
    if (handler === undefined) {
      return Promise.reject(new Error('resilient-fetch/workbox: an attempt for a request no ResilientStrategy handler started'));
    }
    const request = input as Request;
    // The browser refuses to copy a navigation request with an init (TypeError), so a navigation
    // goes as it is: a timeout still ends the attempt, it just cannot cancel the download.
    if (request.mode !== 'navigate') return handler.fetch(new Request(request, init)).catch(markNotSent);
    const attempt = handler.fetch(request).catch(markNotSent); // reads event.preloadResponse before its first await
    spendPreload(handler.event);
    return attempt;
  };

  /**
   * The stale-if-error store, asking the app's `cacheWillUpdate` plugins first (as Workbox's own
   * strategies do before a cache write): a plugin that returns nothing keeps the response out,
   * one that returns another response has that stored instead.
   */
  cacheThroughPlugins(store: IdbResponseCache): ResponseCache {
    return {
      match: (request) => store.match(request),
      wants: (request, response) => store.wants(request, response),
      put: async (request, response) => {
        const handler = this.byRequest.get(request);
        let stored: Response | null | undefined | void = response;
        if (handler !== undefined) {
          for (const callback of handler.iterateCallbacks('cacheWillUpdate')) {
            stored = await callback({ request, response: stored, event: handler.event });
            if (!stored) break;
          }
        }
        if (stored) await store.put(request, stored);
        else cancelBody(response);
      },
    };
  }
}

/**
 * Navigation preload answers one attempt. handler.fetch hands `event.preloadResponse` to every
 * attempt of a navigation, so a retry after a preloaded 503 got that same Response again, its body
 * already cancelled, and the navigation failed ("body disturbed or locked"). Hidden on this event
 * once used, later attempts go to the network as Workbox does without a preload.
 */
function spendPreload(event: ExtendableEvent): void {
  if ('preloadResponse' in event) Object.defineProperty(event, 'preloadResponse', { value: undefined, configurable: true });
}

type FetchDidSucceed = NonNullable<WorkboxPlugin['fetchDidSucceed']>;

/**
 * An app's `fetchDidSucceed` whose error, thrown after the upstream answered, is no failure of the
 * upstream: counted as nothing (NOT_SENT) and never retried (the write arrived); the call fails
 * with it, as in Workbox's own strategies.
 */
function answeredThenThrew(callback: FetchDidSucceed): FetchDidSucceed {
  return async (param) => {
    try {
      return await callback(param);
    } catch (error) {
      if (error instanceof Error) Object.assign(error, { [NOT_SENT]: true });
      throw error;
    }
  };
}

/**
 * A `requestWillFetch` plugin that threw (Workbox wraps its error in this WorkboxError) stopped
 * the attempt before anything was sent: the engine counts it as nothing (NOT_SENT), so an auth
 * plugin with no token cannot open the breaker against an upstream it never asked.
 */
function markNotSent(error: unknown): never {
  if (error instanceof Error && error.name === 'plugin-error-request-will-fetch') Object.assign(error, { [NOT_SENT]: true });
  throw error;
}
