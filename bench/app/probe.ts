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
  /** Start → that call's response headers arrived. */
  upstreamDoneMs: number | null;
}

/** Installs the listener; `whenReady`, called right after the worker's setup returns, notes that moment and when its promise settles. */
export function installProbe(evaluatedMs: number): { whenReady(ready: Promise<unknown>): void } {
  const timings: ProbeTimings = { evaluatedMs, installedMs: null, readyMs: null, firstFetchMs: null, upstreamStartMs: null, upstreamDoneMs: null };
  const upstream = self.fetch;
  self.fetch = (input, init) => {
    if (timings.upstreamStartMs !== null) return upstream(input, init);
    timings.upstreamStartMs = performance.now();
    const sent = upstream(input, init);
    void sent.then(() => (timings.upstreamDoneMs ??= performance.now()), () => undefined);
    return sent;
  };
  self.addEventListener('fetch', (e) => {
    timings.firstFetchMs ??= performance.now();
    if (!e.request.url.endsWith('/__probe')) return;
    e.respondWith(Response.json(timings));
    e.stopImmediatePropagation();
  });
  return {
    whenReady(ready) {
      timings.installedMs = performance.now();
      void ready.then(() => (timings.readyMs = performance.now()));
    },
  };
}
