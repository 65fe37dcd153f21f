/// <reference lib="webworker" />
/**
 * Cold-start timings from inside a worker, served at `/__probe` (bench:sw's cold-start rounds read
 * them after each timed request). `performance.now()` in a worker counts from the worker's start,
 * so: `evaluatedMs` = start → every module evaluated (the script's top level runs after its
 * imports); `installedMs` = start → installResilience returned; `readyMs` = start → our saved config and per-origin state restored; `firstFetchMs` =
 * start → the first fetch event. Registered before the worker's own fetch listener, it answers
 * `/__probe` itself and stops the event there; any other request costs it one `endsWith`.
 * Both bench workers install it, so the check is in both sides of every comparison.
 */
declare const self: ServiceWorkerGlobalScope;

export interface ProbeTimings {
  evaluatedMs: number;
  /** Start → installResilience returned (its synchronous setup done). */
  installedMs: number | null;
  readyMs: number | null;
  firstFetchMs: number | null;
  /** Start → the worker's first call to `fetch` (the upstream request leaves). */
  upstreamStartMs: number | null;
  /**
   * Start → that `fetch()` call returned: its synchronous part, 1.2 ms in the bare worker and
   * 2.0-2.4 ms in ours (bench:sw, cold), whatever the signal or the Request it is given.
   */
  upstreamReturnedMs: number | null;
  /** Start → that call's response headers arrived. */
  upstreamDoneMs: number | null;
  /** Start → the promise the first fetch event gave `respondWith` resolved (the response goes back). */
  respondedMs: number | null;
  /** Start → the first fetch event's `waitUntil` promises settled (state, cache writes done). */
  settledMs: number | null;
  /** Per IndexedDB database: start → `indexedDB.open` called, and → its success. */
  idb: Record<string, { openMs: number; openedMs: number | null }>;
  /** Start → each named point the code under study marked with `globalThis.__rfMark(name)` (first time only). */
  marks: Record<string, number>;
  /** Message events the worker got before its first fetch event (a page handshake would show here). */
  messagesBeforeFetch: number;
}

/** Installs the listener; `whenReady`, called right after the worker's setup returns, notes that moment and when its promise settles. */
export function installProbe(evaluatedMs: number): { whenReady(ready: Promise<unknown>): void } {
  const timings: ProbeTimings = { evaluatedMs, installedMs: null, readyMs: null, firstFetchMs: null, upstreamStartMs: null, upstreamReturnedMs: null, upstreamDoneMs: null, respondedMs: null, settledMs: null, idb: {}, marks: {}, messagesBeforeFetch: 0 };
  (globalThis as unknown as { __rfMark?: (name: string) => void }).__rfMark = (name) => void (timings.marks[name] ??= performance.now());
  self.addEventListener('message', () => void (timings.firstFetchMs === null && timings.messagesBeforeFetch++));
  const upstream = self.fetch;
  self.fetch = (input, init) => {
    if (timings.upstreamStartMs !== null) return upstream(input, init);
    timings.upstreamStartMs = performance.now();
    const sent = upstream(input, init);
    timings.upstreamReturnedMs = performance.now();
    void sent.then(() => (timings.upstreamDoneMs ??= performance.now()), () => undefined);
    return sent;
  };
  const factory = self.indexedDB;
  const open = factory.open.bind(factory);
  factory.open = (name, version) => {
    const request = open(name, version);
    if (timings.idb[name] === undefined) {
      const seen = { openMs: performance.now(), openedMs: null as number | null };
      timings.idb[name] = seen;
      request.addEventListener('success', () => (seen.openedMs = performance.now()));
    }
    return request;
  };
  self.addEventListener('fetch', (e) => {
    if (e.request.url.endsWith('/__probe')) {
      e.respondWith(Response.json(timings));
      e.stopImmediatePropagation();
      return;
    }
    if (timings.firstFetchMs !== null) return;
    timings.firstFetchMs = performance.now();
    const respondWith = e.respondWith.bind(e);
    const waitUntil = e.waitUntil.bind(e);
    e.respondWith = (r) => {
      void Promise.resolve(r).then(() => (timings.respondedMs = performance.now()), () => undefined);
      respondWith(r);
    };
    e.waitUntil = (p) => {
      void p.then(() => (timings.settledMs = performance.now()), () => undefined);
      waitUntil(p);
    };
  });
  return {
    whenReady(ready) {
      timings.installedMs = performance.now();
      void ready.then(() => (timings.readyMs = performance.now()));
    },
  };
}
