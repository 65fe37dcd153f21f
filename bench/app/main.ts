/**
 * The page side of the service-worker benchmark, exposed on `window.swBench` so Playwright can
 * drive it. Timing is taken here, as the app sees it: `performance.now()` around the call plus
 * reading the whole body, one request at a time.
 */
import { registerResilience, resilientFetch, type LiveConfig, type ResilienceHandle } from '../../src/index.js';
import { within } from '../lib/within.js';

export type Caller = 'fetch' | 'resilientFetch';

export interface BatchResult {
  /** Milliseconds per request, in order. */
  ms: number[];
  /** `${status} ${X-Resilience-Source ?? '-'} ${X-Resilience-Reason ?? '-'}` → count (or `error <name>`). */
  outcomes: Record<string, number>;
  /** Bytes of the first body read, to check the payload is the small JSON we meant. */
  bodyBytes: number;
}

let handle: ResilienceHandle | undefined;

const swBench = {
  /** Registers our worker through the public API (resolves once it controls the page). */
  async registerOurs(scriptURL: string, type: WorkerType, config?: LiveConfig): Promise<boolean> {
    handle = await registerResilience({ scriptURL, type, ...(config !== undefined ? { config } : {}) });
    return navigator.serviceWorker.controller !== null;
  },

  /** Registers a worker that knows nothing of us (it claims clients on activate). */
  async registerPlain(scriptURL: string, type: WorkerType): Promise<boolean> {
    const container = navigator.serviceWorker;
    const controlled = new Promise<void>((resolve) => container.addEventListener('controllerchange', () => resolve(), { once: true }));
    await container.register(scriptURL, { type });
    if (container.controller === null) await within(controlled, 10_000, 'take control');
    return container.controller !== null;
  },

  controlled: (): boolean => navigator.serviceWorker?.controller != null,

  /**
   * `n` sequential requests to `url`; each timed from the call to the last byte of the body.
   * `gapMs` idles between requests (untimed), to tell in-band cost from work left behind.
   */
  async run(caller: Caller, url: string, n: number, gapMs = 0): Promise<BatchResult> {
    const call = caller === 'fetch' ? (u: string) => fetch(u) : (u: string) => resilientFetch(u);
    const ms: number[] = [];
    const outcomes: Record<string, number> = {};
    let bodyBytes = -1;
    for (let i = 0; i < n; i++) {
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      const started = performance.now();
      let key: string;
      try {
        const res = await call(url);
        const body = await res.text();
        ms.push(performance.now() - started);
        if (bodyBytes < 0) bodyBytes = body.length;
        key = `${res.status} ${res.headers.get('X-Resilience-Source') ?? '-'} ${res.headers.get('X-Resilience-Reason') ?? '-'}`;
      } catch (e) {
        ms.push(performance.now() - started);
        key = `error ${(e as Error).name}`;
      }
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    return { ms, outcomes, bodyBytes };
  },

  /** Reads a JSON document (e.g. the probe worker's `/__probe` timings). */
  json: async (url: string): Promise<unknown> => (await fetch(url)).json(),

  state: () => handle!.state(),
  cacheStats: () => handle!.cacheStats(),
  configure: (config: LiveConfig) => handle!.configure(config),
};

declare global {
  interface Window {
    swBench: typeof swBench;
  }
}
window.swBench = swBench;
