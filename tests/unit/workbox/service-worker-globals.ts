/**
 * The few service-worker globals Workbox reads, for Node: `self`, `location`, `ExtendableEvent` (a
 * StrategyHandler keeps the event alive with waitUntil) and `FetchEvent` (Strategy.handle checks
 * for one). Imported first, before anything of Workbox is evaluated.
 */
const scope = globalThis as Record<string, unknown>;

class ExtendableEvent extends Event {
  readonly lifetime: Promise<unknown>[] = [];
  waitUntil(promise: Promise<unknown>): void {
    this.lifetime.push(promise);
  }
}

class FetchEvent extends ExtendableEvent {}

scope.self ??= globalThis;
scope.location ??= new URL('https://app.test/sw.js'); // Workbox's dev-mode logs print URLs relative to it
scope.ExtendableEvent ??= ExtendableEvent;
scope.FetchEvent ??= FetchEvent;
scope.__WB_DISABLE_DEV_LOGS = true; // Workbox's dev-mode console logging, noise in a test run

/** An event whose waitUntil promises the test can wait for, like a worker's fetch event. */
export function fetchEvent(): Event & { waitUntil(p: Promise<unknown>): void; lifetime: Promise<unknown>[] } {
  return new (scope.ExtendableEvent as typeof ExtendableEvent)('fetch');
}

/**
 * A navigation as the browser hands it to a worker with navigation preload on: a Request in
 * mode 'navigate' (which Node's Request constructor refuses to make, so the mode is set on the
 * instance) and a FetchEvent whose `preloadResponse` resolves with the preloaded answer.
 */
export function navigation(url: string, preloaded: Response): { request: Request; event: ReturnType<typeof fetchEvent> } {
  const request = new Request(url);
  Object.defineProperty(request, 'mode', { value: 'navigate' });
  const event = new (scope.FetchEvent as typeof FetchEvent)('fetch');
  Object.defineProperty(event, 'preloadResponse', { value: Promise.resolve(preloaded), configurable: true });
  return { request, event };
}
