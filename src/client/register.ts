import type { CacheStats } from '../cache/index.js';
import type { OriginSnapshot } from '../core/types.js';
import { STATE_CHANNEL, type Broadcast, type CacheOption, type ConfigUpdate, type LiveConfig } from '../sw/protocol.js';
import { sendCommand, unwrap, withTimeout } from './messaging.js';
import { isOurWorker } from './handshake.js';
import { prefetchPageEngine } from './page-engine-loader.js';
import { setPageSettings } from './page-settings.js';
import { outboxHandle, type OutboxHandle } from './outbox-handle.js';

/** What `registerResilience` takes. Only `scriptURL` is required. */
export interface RegisterOptions {
  /** URL of the service worker script that calls `installResilience` (required). */
  scriptURL: string | URL;
  /** The registration's scope. (the browser's default: the script's directory) */
  scope?: string;
  /** `'module'` for an ES-module worker, `'classic'` for a self-contained (bundled) one. (`'module'`) */
  type?: WorkerType;
  /**
   * Policy and cache partition sent to the worker with `configure()` once it controls the page,
   * and used by the in-page engine until then. (none: the worker script's own config)
   */
  config?: LiveConfig;
  /**
   * The worker script's `cache` option (pass the same value: `false`, or its `dbName` and limits),
   * for the in-page engine, which shares the worker's database, until the worker first answers:
   * a first visit's calls run before any worker did. Once a worker of ours has answered, what it
   * reports is used instead. A wrong option turns the page's cache off, and the TypeError naming
   * it is reported when the in-page engine starts, rather than failing calls. (none: the cache on, with its defaults)
   */
  cache?: CacheOption;
  /** How long activating, then taking control of the page, may each take before `registerResilience` rejects (ms). (10_000) */
  timeoutMs?: number;
}

export interface ResilienceHandle {
  registration: ServiceWorkerRegistration;
  /** Every origin's state as the worker sees it now. */
  state(): Promise<OriginSnapshot[]>;
  /** State changes, events and cache notices from the worker; returns the unsubscribe. */
  subscribe(listener: (message: Broadcast) => void): () => void;
  /**
   * Merge new config into what pages sent before, applied without a restart; `null` in a field
   * resets it to the worker script's value. Kept per worker config version: a deploy with a new
   * config starts from the script's. Rejects on invalid config.
   */
  configure(partial: ConfigUpdate): Promise<void>;
  /** The worker's live config (the script's, merged with what pages have sent since). */
  config(): Promise<LiveConfig>;
  /** The fallback cache's totals and counters (undefined when the worker has no cache). */
  cacheStats(): Promise<CacheStats | undefined>;
  /** Empty the fallback cache (one partition, or all). */
  clearCache(partition?: string): Promise<void>;
  unregister(): Promise<boolean>;
  /** Writes kept for later delivery: list, flush, clear (see README "Outbox"). */
  outbox: OutboxHandle;
}

/**
 * Registers the worker and resolves once it controls this page, first visit included (the page
 * asks the worker to claim it). Rejects with a clear error where service workers cannot run;
 * `resilientFetch` keeps working in the page then.
 */
export async function registerResilience(options: RegisterOptions): Promise<ResilienceHandle> {
  checkOptions(options);
  setPageSettings({ ...options.config, cache: options.cache });
  // Until the worker controls the page (or if it never can), calls run in the page.
  if (!globalThis.navigator?.serviceWorker?.controller) prefetchPageEngine();
  if (globalThis.isSecureContext === false) { // undefined outside a browser (Node)
    throw new Error(`resilient-fetch: service workers need a secure context (https, or http://localhost); ${location.origin} is not one. resilientFetch runs in the page instead.`);
  }
  const container = globalThis.navigator?.serviceWorker;
  if (container === undefined) {
    throw new Error('resilient-fetch: service workers are unavailable in this browser or context; resilientFetch runs in the page instead.');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  let registration: ServiceWorkerRegistration | undefined;
  try {
    // An undefined scope is an absent one (WebIDL dictionaries): the browser's default.
    registration = await container.register(options.scriptURL, { type: options.type ?? 'module', scope: options.scope });
  } catch (error) {
    // A deploy whose script fails leaves the working worker in control: saying the page took over misled.
    throw new Error(`resilient-fetch: the service worker at ${String(options.scriptURL)} could not be registered (${error instanceof Error ? error.message : String(error)}); ${container.controller ? 'the worker in control keeps serving this page' : 'resilientFetch runs in the page instead'}.`, { cause: error });
  }
  // Some embedders (and Playwright's serviceWorkers: 'block') resolve with no registration at all.
  if (!registration) throw new Error('resilient-fetch: service workers are blocked in this context; resilientFetch runs in the page instead.');
  const active = await activated(registration, timeoutMs);
  if (!container.controller) {
    const controlled = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }));
    unwrap(await sendCommand(active, { type: 'claim' }, timeoutMs));
    await withTimeout(controlled, timeoutMs, 'take control of this page');
  }
  const worker = (): ServiceWorker => container.controller ?? registration.active ?? active;
  const configure = async (partial: ConfigUpdate): Promise<void> => {
    const { config } = unwrap(await sendCommand(worker(), { type: 'configure', config: partial }));
    // The in-page engine runs what the worker runs, should the page lose its controller.
    if (config !== undefined) setPageSettings(config);
  };
  if (options.config !== undefined) await configure(options.config);
  // Answered now, so the first call does not wait for it. The worker we registered may take over
  // a second to answer on a loaded machine, so it gets the whole timeout; a controller from
  // another registration (not ours to wait for) gets a call's usual wait.
  const controller = worker();
  await isOurWorker(controller, controller === registration.active ? timeoutMs : undefined);

  return {
    registration,
    state: async () => unwrap(await sendCommand(worker(), { type: 'snapshot' })).origins ?? [],
    subscribe(listener) {
      const channel = new BroadcastChannel(STATE_CHANNEL);
      channel.onmessage = (event: MessageEvent<Broadcast>) => listener(event.data);
      return () => channel.close();
    },
    configure,
    config: async () => unwrap(await sendCommand(worker(), { type: 'snapshot' })).config ?? {},
    cacheStats: async () => unwrap(await sendCommand(worker(), { type: 'snapshot' })).cache,
    clearCache: async (partition) => {
      unwrap(await sendCommand(worker(), { type: 'clear-cache', partition })); // undefined: every partition, as if left out
    },
    unregister: () => registration.unregister(),
    outbox: outboxHandle(worker),
  };
}

/** The registration's worker once it is activated (installing and waiting included). */
async function activated(registration: ServiceWorkerRegistration, timeoutMs: number): Promise<ServiceWorker> {
  if (registration.active !== null) return registration.active;
  const worker = registration.installing ?? registration.waiting;
  if (worker === null) throw new Error('resilient-fetch: the registration has no worker');
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (worker.state === 'activated') resolve();
        if (worker.state === 'redundant') reject(new Error(`resilient-fetch: the service worker failed to install (see its console)`));
      };
      worker.addEventListener('statechange', check);
      check();
    }),
    timeoutMs,
    'activate',
  );
  return worker;
}


/**
 * A wrong timeoutMs otherwise failed every wait at once ("did not activate within 10s ms"). (A
 * wrong scriptURL is named by the registration's own error; `config` is the worker's to check.)
 */
function checkOptions(options: RegisterOptions): void {
  // Called as navigator.serviceWorker.register('/sw.js') is, it registered '/undefined'.
  if (!options?.scriptURL) throw new TypeError(`registerResilience takes { scriptURL }, got ${JSON.stringify(options)}`);
  const { timeoutMs } = options;
  // A timer's longest wait (core/max-timer.ts, written out here: imported, it put the page past
  // 3 KB in a Vite app, `npm run size:app`): past it, Infinity included, setTimeout fires at once.
  if (timeoutMs !== undefined && !(timeoutMs > 0 && timeoutMs <= 2_147_483_647)) throw new TypeError(`timeoutMs must be a number > 0 and <= 2147483647, got ${String(timeoutMs)}`);
}
