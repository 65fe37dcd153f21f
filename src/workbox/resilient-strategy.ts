import { Strategy, type StrategyOptions } from 'workbox-strategies/Strategy.js';
import type { StrategyHandler } from 'workbox-strategies/StrategyHandler.js';
import type { HandlerCallbackOptions } from 'workbox-core/types.js';
import { createIdbResponseCache, type IdbResponseCacheOptions } from '../cache/index.js';
import { createResilientFetch, type CreateOptions } from '../core/create-resilient-fetch.js';
import { validateCallOptions } from '../core/call-options.js';
import { describeResponse } from '../core/describe.js';
import { ResilienceError } from '../core/errors.js';
import { reportError } from '../core/report-error.js';
import type { CallOptions, ResilientFetch, TracingPort } from '../core/types.js';
import { IdbStateStore } from '../sw/idb-state-store.js';
import { isInPageRequest } from '../sw/in-page-mark.js';
import { rereadOnTakeOver } from '../sw/take-over.js';
import { carriesPageHeaders, readCallOptions, stripPageHeaders } from '../sw/options-header.js';
import { StrategyHandlers } from './strategy-handlers.js';
import { validateStrategyOptions } from './strategy-options.js';

export interface ResilientStrategyOptions extends StrategyOptions, Omit<CreateOptions, 'fetch' | 'cache' | 'store'> {
  /**
   * Stale-if-error store (IndexedDB), or `false` for none. Its database is named after the
   * strategy's `cacheName` (Workbox's runtime cache name by default, so `setCacheNameDetails`
   * prefixes apply) unless `dbName` is given. The app's `cacheWillUpdate` plugins decide what it
   * keeps. (on, with the cache's own limits: 500 entries, 50 MiB, 7 days)
   */
  cache?: false | Omit<IdbResponseCacheOptions, 'now' | 'indexedDB'>;
  /** Keep per-origin breaker state in IndexedDB across worker restarts. (true) */
  persistState?: boolean;
  /**
   * Per-call options applied to every request this strategy handles; options a page sent with
   * `resilientFetch` override them. (none: the policy decides)
   */
  callOptions?: Omit<CallOptions, 'traceContext' | 'throwOnReject'>;
}

/**
 * A Workbox strategy: `registerRoute(match, new ResilientStrategy({ policy }))` sends the matched
 * requests through the resilience pipeline. Every attempt goes through `handler.fetch`, so the
 * app's plugins see each one; a local rejection (open breaker, full queue…) with no stored copy
 * asks the `handlerDidError` plugins for an answer (an offline page) before resolving with our
 * synthetic 503. Write-behind (state, cache) is kept alive with the event's `waitUntil`.
 */
export class ResilientStrategy extends Strategy {
  /** The engine every handled request runs through (its `snapshot()` shows the breakers). */
  readonly fetch: ResilientFetch;

  private readonly handlers = new StrategyHandlers();
  private readonly callOptions: ResilientStrategyOptions['callOptions'];
  /** Per-call options for a request Workbox hands to _handle: what the page asked, the trace it came in. */
  private readonly fromPage = new WeakMap<Request, Omit<CallOptions, 'throwOnReject'>>();
  private readonly tracing: TracingPort | undefined;

  constructor(options: ResilientStrategyOptions = {}) {
    validateStrategyOptions(options);
    const { cacheName, plugins, fetchOptions, matchOptions, cache, persistState, callOptions, ...engineOptions } = options;
    super({ cacheName, plugins, fetchOptions, matchOptions });
    // Checked now: an invalid option would otherwise fail every request this strategy handles.
    if (callOptions !== undefined) validateCallOptions(callOptions);
    this.callOptions = callOptions;
    this.tracing = engineOptions.tracing;
    const store = cache === false ? undefined : createIdbResponseCache({ dbName: `${this.cacheName}-resilient-fetch`, ...cache });
    const state = persistState !== false ? new IdbStateStore(`${this.cacheName}-resilient-fetch-state`) : undefined;
    this.fetch = createResilientFetch({
      ...engineOptions,
      fetch: this.handlers.transport,
      ...(store !== undefined ? { cache: this.handlers.cacheThroughPlugins(store) } : {}),
      ...(state !== undefined ? { store: state } : {}),
    });
    // A new version's strategy is built when its script runs at install, while the old worker
    // still serves and saves: it reads the breakers again as it takes over (sw/take-over.ts).
    if (state !== undefined) {
      const fetch = this.fetch;
      rereadOnTakeOver(self, () => (state.reread(), fetch.reload()));
    }
  }

  /**
   * Only our page client sends the options header, and with it its own `traceparent`, both for
   * the worker's eyes only: they are read, then stripped before Workbox makes its handler, so no
   * plugin callback (handlerWillStart to handlerDidComplete, an offline page's handlerDidError)
   * nor the upstream sees them. A `traceparent` alone is the app's (its fetch instrumentation,
   * our in-page engine): it goes on as it came. Either way it parents the worker's call span.
   */
  override handleAll(options: FetchEvent | HandlerCallbackOptions): [Promise<Response>, Promise<void>] {
    const { event, request } = options instanceof FetchEvent ? { event: options, request: options.request } : options;
    if (typeof request === 'string') return super.handleAll(options);
    const traceContext = this.tracing !== undefined && request.headers.has('traceparent') ? this.tracing.extract(request.headers) : undefined;
    const traced = traceContext !== undefined ? { traceContext } : {};
    if (!carriesPageHeaders(request)) {
      this.fromPage.set(request, traced);
      return super.handleAll(options);
    }
    let stripped: Request;
    try {
      stripped = stripPageHeaders(request); // its body passed on unread: the engine buffers what it may
    } catch {
      return super.handleAll(options); // a body already read: it fails there, where handlerDidError is asked
    }
    const { abortId: _abortId, ...fromPage } = readCallOptions(request) ?? {};
    this.fromPage.set(stripped, { ...fromPage, ...traced });
    return super.handleAll({ ...(options instanceof FetchEvent ? {} : options), event, request: stripped });
  }

  protected async _handle(request: Request, handler: StrategyHandler): Promise<Response> {
    // The in-page engine's attempt (a page where resilientFetch found no worker of ours): sent
    // once, through the app's plugins, with no retries, breaker or budget of ours on top of its own.
    if (isInPageRequest(request.url)) return handler.fetch(request);
    this.handlers.track(request, handler);
    const response = this.fetch(request, { resilience: { ...this.callOptions, ...this.fromPage.get(request) } });
    void handler.waitUntil(response.then(settle, settle).then(() => this.fetch.settled()));
    const answer = await response;
    return describeResponse(answer).source === 'synthetic' ? this.answerRejection(request, answer, handler) : answer;
  }

  /**
   * Refused locally with nothing stored: the app's `handlerDidError` plugins may answer (as they
   * do when a Workbox strategy fails); if none does, our 503 with its reason and Retry-After.
   */
  private async answerRejection(request: Request, synthetic: Response, handler: StrategyHandler): Promise<Response> {
    if (!handler.hasCallback('handlerDidError')) return synthetic;
    const { reason } = describeResponse(synthetic);
    const retryAfter = synthetic.headers.get('Retry-After');
    const error = new ResilienceError(reason ?? 'circuit-open', new URL(request.url).origin, retryAfter !== null ? Number(retryAfter) * 1000 : undefined);
    for (const callback of handler.iterateCallbacks('handlerDidError')) {
      // A throwing plugin, left to propagate, was asked again by Strategy (as for a failed
      // _handle) and, throwing again, turned our 503 into a network error for the page.
      try {
        const answer = await callback({ error, event: handler.event, request });
        if (answer) return answer;
      } catch (thrown) {
        reportError(thrown);
      }
    }
    return synthetic;
  }
}

const settle = (): void => undefined;
