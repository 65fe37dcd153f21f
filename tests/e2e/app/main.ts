/**
 * The page side of the end-to-end tests: what an app would do, exposed on `window.harness`
 * so Playwright can drive it with plain JSON in and out.
 */
import { describeResponse, registerResilience, resilientFetch, type Broadcast, type LiveConfig, type RegisterOptions, type ResilienceHandle } from '../../../src/index.js';
import type { SavedOriginState } from '../../../src/core/types.js';
import { setupPageTracing, type PageTracing } from '../../../src/telemetry/index.js';
import { setPageSettings } from '../../../src/client/page-settings.js';
import { uploadBytes } from '../upload-bytes.js';

export interface FetchResult {
  status: number;
  /** The response's URL, as fetch reports it (the request's, after any redirect). */
  url: string;
  /** Whether fetch followed a redirect to get it. */
  redirected: boolean;
  statusText: string;
  type: ResponseType;
  headers: Record<string, string>;
  body: string;
  meta: ReturnType<typeof describeResponse>;
  ms: number;
}

/** A call as plain JSON, for bodies that cannot cross the automation channel (tests/e2e/parity.spec.ts). */
export interface CallSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /**
   * How the app hands its body over: a string in init, a Request object, FormData (field `note`),
   * URLSearchParams (field `note`) or a Blob typed application/json.
   */
  body?: { as: 'string' | 'request' | 'form' | 'params' | 'blob'; text: string };
  resilience?: Record<string, unknown>;
  /** The app aborts the call this long after starting it (0: before). */
  abortAfterMs?: number;
  /** How: its own AbortController's `abort()` (default), or `AbortSignal.timeout(abortAfterMs)` (a TimeoutError). */
  abortWith?: 'controller' | 'timeout';
  /** Handed over as a Request object made of the rest (a body `as: 'request'` implies it). */
  request?: boolean;
  /** More of fetch's options, as plain JSON. */
  init?: Pick<RequestInit, 'cache' | 'redirect' | 'mode' | 'credentials'>;
}

export interface FetchFailure {
  error: { name: string; message: string; reason?: string; retryAfterMs?: number };
  ms: number;
}

let handle: ResilienceHandle | undefined;
let tracing: PageTracing | undefined;
const controllers = new Map<string, AbortController>();
const running = new Map<string, Promise<FetchResult | FetchFailure>>();
const broadcasts: Broadcast[] = [];

async function run(url: string | Request, init: RequestInit & { resilience?: Record<string, unknown> } = {}, signal?: AbortSignal): Promise<FetchResult | FetchFailure> {
  const started = performance.now();
  try {
    const res = await resilientFetch(url, { ...init, ...(signal ? { signal } : {}) });
    const body = await res.text();
    return { status: res.status, url: res.url, redirected: res.redirected, statusText: res.statusText, type: res.type, headers: Object.fromEntries(res.headers), body, meta: describeResponse(res), ms: performance.now() - started };
  } catch (e) {
    const error = e as Error & { reason?: string; retryAfterMs?: number };
    const { reason, retryAfterMs } = error;
    return { error: { name: error.name, message: error.message, ...(reason ? { reason } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }, ms: performance.now() - started };
  }
}

/** Every key and value of one object store; a database that does not exist yet is not created (the upgrade is aborted). */
function readAll(dbName: string, storeName: string): Promise<{ keys: IDBValidKey[]; values: unknown[] }> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(dbName);
    open.onupgradeneeded = () => open.transaction!.abort();
    open.onerror = (e) => {
      e.preventDefault();
      resolve({ keys: [], values: [] });
    };
    open.onsuccess = () => {
      const db = open.result;
      const store = db.transaction(storeName).objectStore(storeName);
      const keys = store.getAllKeys();
      const values = store.getAll();
      values.onsuccess = () => {
        db.close();
        resolve({ keys: keys.result, values: values.result });
      };
      values.onerror = () => {
        db.close();
        reject(values.error);
      };
    };
  });
}

const harness = {
  async register(options: { config?: LiveConfig; swQuery?: string; type?: WorkerType; cache?: RegisterOptions['cache']; scope?: string } = {}): Promise<{ ok: boolean; error?: string }> {
    try {
      const script = options.type === 'classic' ? '/sw.classic.js' : '/sw.js';
      handle = await registerResilience({ scriptURL: `${script}${options.swQuery ?? ''}`, type: options.type ?? 'module', config: options.config, ...(options.cache !== undefined ? { cache: options.cache } : {}), ...(options.scope !== undefined ? { scope: options.scope } : {}) });
      handle.subscribe((m) => broadcasts.push(m));
      return { ok: true };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },
  /** An image load: a sub-resource with request.destination 'image'. */
  loadImage: (url: string): Promise<void> =>
    new Promise((resolve) => {
      const img = new Image();
      img.onload = img.onerror = () => resolve();
      img.src = url;
    }),
  /** The page's own fetch, not resilientFetch. */
  plainFetch: async (url: string): Promise<number> => (await fetch(url)).status,
  /** Puts the page under a worker that is not ours (see public/foreign-sw.js). */
  async registerForeign(): Promise<boolean> {
    await navigator.serviceWorker.register('/foreign-sw.js');
    if (!navigator.serviceWorker.controller) await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
    return navigator.serviceWorker.controller !== null;
  },
  /**
   * What registerResilience({ config }) hands the in-page engine, without registering: for a page
   * another app's worker controls (tests/e2e/parity.spec.ts).
   */
  inPageConfig: (config: LiveConfig): void => setPageSettings(config),
  tracePage(endpoint: string): void {
    tracing = setupPageTracing({ serviceName: 'e2e-page', endpoint, propagateTo: [] });
  },
  flushTraces: () => tracing?.flush(),
  cacheStats: () => handle!.cacheStats(),
  config: () => handle!.config(),
  controlled: (): boolean => navigator.serviceWorker?.controller != null,
  /**
   * The URLs stored in this origin's cache database, read from IndexedDB itself: the in-page engine
   * has no handle to ask, and its copies (like the worker's) are written behind the answer.
   */
  storedUrls: async (): Promise<string[]> => (await readAll('resilient-fetch-cache', 'entries')).keys.map((key) => String((key as unknown[])[2])),
  /**
   * The breaker state the worker saved for `origin` (what a restarted worker reads): CDP stops a
   * worker without waiting for its waitUntil, which holds that write.
   */
  savedBreaker: async (origin: string): Promise<string | undefined> => ((await readAll('resilient-fetch-state', 'origins')).values as SavedOriginState[]).find((saved) => saved.origin === origin)?.breaker.state,
  /** The names of this origin's IndexedDB databases (the worker's and the page's). */
  databases: async (): Promise<string[]> => (await indexedDB.databases()).map((d) => d.name ?? ''),
  fetch: (url: string, init?: RequestInit & { resilience?: Record<string, unknown> }) => run(url, init),
  /**
   * A write whose body of `bytes` bytes is made here (tests/e2e/uploads.spec.ts): megabytes need
   * not cross the automation channel (tests/e2e/upload-bytes.ts). `as` is how the app hands it over.
   */
  upload(url: string, bytes: number, as: 'string' | 'blob' | 'request' | 'stream', init: RequestInit & { resilience?: Record<string, unknown> } = {}): Promise<FetchResult | FetchFailure> {
    const data = uploadBytes(bytes);
    if (as === 'string') return run(url, { ...init, body: new TextDecoder().decode(data) });
    if (as === 'blob') return run(url, { ...init, body: new Blob([data]) });
    if (as === 'request') return run(new Request(url, { ...init, body: new Blob([data]) }), init.resilience !== undefined ? { resilience: init.resilience } : {});
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes; at += 65_536) controller.enqueue(data.slice(at, at + 65_536));
        controller.close();
      },
    });
    return run(url, { ...init, body: stream, duplex: 'half' } as RequestInit);
  },
  call({ url, method, headers, body, resilience, abortAfterMs, abortWith, init, request }: CallSpec): Promise<FetchResult | FetchFailure> {
    const controller = abortAfterMs !== undefined && abortWith !== 'timeout' ? new AbortController() : undefined;
    if (abortAfterMs === 0) controller?.abort(); // a signal aborted before the call
    else if (controller) setTimeout(() => controller.abort(), abortAfterMs);
    const signal = abortWith === 'timeout' ? AbortSignal.timeout(abortAfterMs ?? 0) : controller?.signal;
    const options = { ...(resilience !== undefined ? { resilience } : {}), ...(signal ? { signal } : {}) };
    if (body?.as === 'request' || request === true) return run(new Request(url, { ...init, method, headers, ...(body !== undefined ? { body: body.text } : {}), ...(signal ? { signal } : {}) }), resilience !== undefined ? { resilience } : {});
    const form = new FormData();
    if (body?.as === 'form') form.append('note', body.text);
    const made = { string: body?.text, form, params: new URLSearchParams({ note: body?.text ?? '' }), blob: new Blob([body?.text ?? ''], { type: 'application/json' }) };
    return run(url, { ...init, method, headers, ...(body !== undefined ? { body: made[body.as as keyof typeof made] } : {}), ...options });
  },
  /** One Request passed to resilientFetch twice, one call after the other: a double submit (tests/e2e/body-used.spec.ts). */
  async sameRequestTwice(url: string, init: RequestInit): Promise<{ first: FetchResult | FetchFailure; bodyUsed: boolean; second: FetchResult | FetchFailure }> {
    const request = new Request(url, init);
    const first = await run(request);
    const bodyUsed = request.bodyUsed;
    return { first, bodyUsed, second: await run(request) };
  },
  /** Starts a call that the test can abort later by id. */
  start(id: string, url: string, init?: RequestInit & { resilience?: Record<string, unknown> }): void {
    const controller = new AbortController();
    controllers.set(id, controller);
    running.set(id, run(url, init, controller.signal));
  },
  abort: (id: string): void => controllers.get(id)?.abort(),
  result: (id: string) => running.get(id),
  state: () => handle!.state(),
  async configure(config: LiveConfig): Promise<{ ok: boolean; error?: { name: string; message: string } }> {
    try {
      await handle!.configure(config);
      return { ok: true };
    } catch (e) {
      return { ok: false, error: { name: (e as Error).name, message: (e as Error).message } };
    }
  },
  clearCache: (partition?: string) => handle!.clearCache(partition),
  unregister: () => handle!.unregister(),
  broadcasts: () => broadcasts,
  /** The worker's outbox (tests/e2e/outbox.spec.ts). */
  outbox: (action: 'list' | 'flush' | 'clear', partition?: string) => (action === 'clear' ? handle!.outbox.clear(partition) : handle!.outbox[action]()),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}
window.harness = harness;
