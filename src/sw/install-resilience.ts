import { createIdbResponseCache, type CacheEvent } from '../cache/index.js';
import { cacheDegradation } from './cache-degradation.js';
import { validateCallOptions } from '../core/call-options.js';
import { createResilientFetch } from '../core/create-resilient-fetch.js';
import { DEFAULT_MAX_ORIGINS } from '../core/defaults.js';
import { SOURCE } from '../core/headers.js';
import { failedCallAnswer } from './failed-call.js';
import type { ResilienceEvent, ResilientFetch } from '../core/types.js';
import { createEventLogger } from '../telemetry/event-logger.js';
import { exporterRequests } from '../telemetry/exporter-endpoint.js';
import { StateBroadcaster } from './broadcaster.js';
import { IdbStateStore } from './idb-state-store.js';
import { reportError } from '../core/report-error.js';
import { refuseOutboxCall, requireOutboxFor, withoutOutbox, withoutOutboxSettings } from './outbox-slot.js';
import { PageAborts } from './page-aborts.js';
import { carriesPageHeaders, readCallOptions, stripPageHeaders } from './options-header.js';
import { configVersion } from './config-version.js';
import { LaterPosts } from './later-posts.js';
import { LiveSettings } from './live-settings.js';
import { readyOnTakeOver } from './take-over.js';
import { isCommand } from './is-command.js';
import { HELLO, type Command, type Reply } from './protocol.js';
import { createRouter } from './routing.js';
import type { InstalledResilience, ResilienceConfig } from './resilience-config.js';
import { checkWorkerConfig } from './worker-config.js';
import { cacheReport } from './cache-report.js';

const STALE_URLS_LIMIT = 500;

/**
 * Adds the worker's `fetch` and `message` listeners. Call it once at the top level of the
 * service worker script. `skipWaiting()` and `clients.claim()` stay the app's choice; a page
 * that calls `registerResilience` asks for `claim` itself on the first visit.
 */
export function installResilience(config: ResilienceConfig = {}, scope: ServiceWorkerGlobalScope = self as unknown as ServiceWorkerGlobalScope): InstalledResilience {
  checkWorkerConfig(config);
  if (config.outbox === undefined) requireOutboxFor(config.policy);
  const store = new IdbStateStore(config.stateDbName, (): number => settings.current().policy?.maxOrigins ?? DEFAULT_MAX_ORIGINS);
  store.preload(); // first, so the database opens while the rest of this setup runs
  const broadcaster = new StateBroadcaster(() => rf.snapshot());
  const later = new LaterPosts();
  const staleUrls = new Set<string>();
  /** fresh-arrived notices waiting for their answer to be stored (see noticeFresh). */
  const notices = new Set<Promise<void>>();
  const aborts = new PageAborts();
  const telemetry = config.telemetry;
  const log = config.log === false ? undefined : createEventLogger({ ...(config.log !== undefined ? { sink: config.log } : {}), ...(telemetry?.redactQueryParams !== undefined ? { redactQueryParams: telemetry.redactQueryParams } : {}) });
  const onCacheEvent = (event: CacheEvent): void => {
    const degraded = cacheDegradation(event);
    if (degraded !== undefined) publish(degraded);
  };
  // The worker is its database's main user (pages clear through it), so its hot entries are
  // answered from memory: an outage's burst of stored-copy reads then needs no transactions. The
  // one other writer, an in-page engine (a page no worker of ours controls), announces its
  // writes, and the memory forgets them (cache/write-notices.ts).
  const cache = config.cache === false ? undefined : createIdbResponseCache({ memoryEntries: 64, ...config.cache, onEvent: onCacheEvent });

  /** Every event (the engine's, the cache's, the outbox's) goes to the app, then (a task later: LaterPosts) to pages and the log. */
  function publish(event: ResilienceEvent): void {
    // A stored copy that answered a slow call (stale-while-waiting) was refreshed behind it.
    if (event.type === 'refreshed' && staleUrls.delete(event.url)) later.post(() => broadcaster.cache('fresh-arrived', event.url));
    if (event.type === 'fallback') {
      if (staleUrls.size >= STALE_URLS_LIMIT) staleUrls.clear(); // forgetting costs one missed notice
      staleUrls.add(event.url);
      later.post(() => broadcaster.cache('stale-served', event.url));
    }
    later.post(() => {
      broadcaster.event(event);
      log?.(event);
    });
    // Isolated here, not only by the engine: the cache and the outbox report through this too.
    try {
      config.onEvent?.(event);
    } catch (error) {
      reportError(error);
    }
  }

  const rf: ResilientFetch = createResilientFetch({
    policy: config.policy,
    store,
    ...(cache !== undefined ? { cache } : {}),
    ...(telemetry !== undefined ? { tracing: telemetry.tracing, propagateTraceTo: (url: URL) => telemetry.propagate(url) } : {}),
    onEvent: publish,
  });

  const settings = new LiveSettings(
    { policy: config.policy ?? {}, partition: config.cache ? (config.cache.partition ?? null) : null },
    configVersion(config),
    store,
    {
      policy: (policy) => {
        if (config.outbox === undefined) requireOutboxFor(policy);
        rf.configure(policy);
      },
      partition: (partition) => cache?.setPartition(partition),
      restorable: (overlay) => {
        if (config.outbox !== undefined) return overlay;
        const kept = withoutOutboxSettings(overlay);
        // Said out loud: pages asked for writes to be kept, and this worker cannot keep them.
        if (kept !== overlay) reportError(new TypeError(`resilient-fetch: saved page settings turn the outbox on, but this worker does not install it: dropped those, kept the rest`));
        return kept;
      },
    },
  );
  const ready = readyOnTakeOver(scope, settings.restore().then(() => rf.ready()), async () => {
    store.reread();
    await Promise.all([settings.restore(), rf.reload()]);
  });
  // The OTLP endpoint's requests (origin and path, as the tracing setups judge them).
  const isExport = telemetry?.endpoint === undefined ? undefined : exporterRequests(telemetry.endpoint);
  const routes = createRouter(config, () => rf.namedOrigins());
  // Writes that cannot be delivered now are kept and replayed (src/sw/outbox/), where installed.
  const outbox = config.outbox === undefined ? withoutOutbox(rf) : config.outbox({
    scope,
    engine: rf,
    policy: () => settings.current().policy,
    partition: () => settings.current().cachePartition ?? null,
    ready,
    broadcast: (e) => broadcaster.outbox(e),
    onEvent: publish,
    // Replays join the original call's trace, read by the tracing setup (no OTel import here).
    ...(telemetry !== undefined ? { traceContext: (traceparent, tracestate) => telemetry.tracing.extract(new Headers(tracestate !== undefined ? { traceparent, tracestate } : { traceparent })) } : {}),
    afterReplay: () => sendWhatIsLeft(),
  });

  scope.addEventListener('fetch', (event) => {
    const request = event.request;
    if (isExport?.(request.url)) {
      // Exports never go through the pipeline. The worker sends them itself (our headers stripped):
      // let through to the network, a page's export made as it unloads (its spans' last chance)
      // was lost about one time in five in Chromium; the worker outlives the page.
      event.respondWith((async () => fetch(carriesPageHeaders(request) ? stripPageHeaders(request) : request))());
      return;
    }
    if (!routes(request)) {
      // A keepalive request (often a page's last, from pagehide) is sent by the worker, which
      // outlives the page: left to the browser's fallback to the network, Chromium lost 6 in 8.
      if (request.keepalive) event.respondWith(fetch(request));
      return;
    }
    const response = handle(request);
    event.respondWith(response);
    // The response goes back first; state writes, the cache write and the span export finish after.
    event.waitUntil(response.catch(() => undefined).then(() => afterEvent()));
  });

  scope.addEventListener('message', (event) => {
    if (!isCommand(event.data)) return; // the app's own message: its listener answers
    const port = event.ports[0];
    const work = respond(event.data).then((reply) => port?.postMessage(reply));
    // A command may have run calls (an outbox flush): what they left for later goes out under it too.
    event.waitUntil(work.then(() => afterEvent()));
  });

  async function handle(request: Request): Promise<Response> {
    const { abortId, ...options } = readCallOptions(request) ?? {};
    try {
      validateCallOptions(options);
      if (config.outbox === undefined) refuseOutboxCall(options.outbox);
    } catch (error) {
      return failedCallAnswer(error, 400); // as the engine throws it in the page: a TypeError naming the option
    }
    const traceContext = telemetry !== undefined ? telemetry.tracing.extract(request.headers) : undefined;
    const outgoing = carriesPageHeaders(request) ? stripPageHeaders(request) : request;
    // The call is judged (and its partition bound) only once saved state and settings are
    // restored; what comes before needs neither, so a starting worker does it while it reads them.
    await ready;
    // The engine hands this same Request to the cache, which stores the answer under the
    // partition in force now, not the one in force when the answer arrives.
    cache?.bindPartition(outgoing);
    const resilience = { ...options, ...(traceContext !== undefined ? { traceContext } : {}) };
    const signal = abortId !== undefined ? aborts.track(abortId, outgoing.signal) : undefined;
    try {
      const originalTrace = { traceparent: request.headers.get('traceparent'), tracestate: request.headers.get('tracestate') };
      const response = await outbox.fetch(outgoing, signal !== undefined ? { signal, resilience } : { resilience }, originalTrace);
      noticeFresh(outgoing.url, response);
      return response;
    } catch (error) {
      // Thrown from here it reaches the page as a bare "Failed to fetch": our page client gets the
      // engine's error (a TimeoutError, its TypeError naming the URL and why) carried across. Not a
      // plain fetch (fetch's network error is what it expects), nor the page's own abort (its fetch
      // has already rejected with the AbortError).
      if (!carriesPageHeaders(request) || signal?.aborted === true) throw error;
      return failedCallAnswer(error);
    } finally {
      if (abortId !== undefined) aborts.forget(abortId);
    }
  }

  /**
   * Tells pages when a URL they were served stale answers fresh again, so a UI can refresh: once
   * the answer is stored, as stale-while-waiting's `refreshed`. Posted when it arrived, a page
   * reading again on it while the upstream failed got the old copy. It waits for the engine's
   * write-behind (its cache write among it, each bounded), which the event's waitUntil waits for
   * anyway: no side effects (the cache's own settled() reports what it gives up on), and no longer
   * a wait. sendWhatIsLeft waits for the notice, so it goes out under that waitUntil.
   */
  function noticeFresh(url: string, response: Response): void {
    if (staleUrls.size === 0 || !response.ok || (response.headers.get(SOURCE) ?? 'network') !== 'network') return;
    if (!staleUrls.delete(url)) return;
    const notice = rf.settled().then(() => later.post(() => broadcaster.cache('fresh-arrived', url))); // after the stale-served still queued
    notices.add(notice);
    void notice.finally(() => notices.delete(notice));
  }

  /**
   * What an event's calls left for later, under its waitUntil (the browser may stop the worker
   * once that settles). The call's spans have ended by the time its response exists, so their
   * export starts at once, beside the state and cache writes: a worker the browser stops right
   * after answering has usually sent them by then.
   */
  async function afterEvent(): Promise<void> {
    await Promise.all([sendWhatIsLeft(), outbox.settled()]); // the outbox: replays started by this call
    await later.settled(); // last: what the outbox's replays reported goes out too
  }

  /**
   * The engine's write-behind and spans, and the fresh-arrived notices waiting for their answer to
   * be stored, then the posts they and the calls before them made. The
   * export starts at once, and again once the write-behind is over: a call answered early from its
   * stored copy ends its attempt's span only when its refresh lands.
   */
  async function sendWhatIsLeft(): Promise<void> {
    await Promise.all([rf.settled().then(() => telemetry?.flush()), telemetry?.flush(), ...notices]);
    await later.settled();
  }

  async function respond(command: Command): Promise<Reply> {
    try {
      switch (command.type) {
        case 'hello':
          // With the cache option: a page whose calls run in the page stores what, and where, this worker does.
          return { ok: true, hello: HELLO, pageCache: cacheReport(config.cache) };
        case 'snapshot': {
          await ready;
          const stats = await cache?.stats();
          return { ok: true, origins: rf.snapshot(), config: settings.current(), ...(stats !== undefined ? { cache: stats } : {}) };
        }
        case 'configure': {
          await ready;
          const live = await settings.configure(command.config);
          broadcaster.stateNow();
          return { ok: true, origins: rf.snapshot(), config: live };
        }
        case 'clear-cache':
          await cache?.clear(command.partition);
          return { ok: true };
        case 'claim':
          await scope.clients.claim();
          return { ok: true };
        case 'outbox':
          return { ok: true, outbox: await outbox.command(command) };
        case 'abort':
          aborts.abort(command.id);
          return { ok: true };
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: { name: e.name, message: e.message } };
    }
  }

  return { fetch: rf, cache, ready };
}
