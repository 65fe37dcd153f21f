import { absoluteUrl } from '../core/absolute-url.js';
import { createResilientFetch } from '../core/create-resilient-fetch.js';
import type { ResilientRequestInit } from '../core/types.js';
import type { PageTraceHook } from '../telemetry/page-trace-hook.js';
import { inPageTransport } from './in-page-transport.js';
import { PageCache } from './page-cache.js';
import type { PageSettings } from './page-settings.js';

type PageCall = (input: RequestInfo | URL, init?: ResilientRequestInit) => Promise<Response>;

/**
 * What the engine reads from the page entry (client/page-settings.ts, the trace hook), handed in
 * rather than imported: imported by both, those modules became a chunk of their own in a Vite
 * app, and the page paid a file's overhead for it (`npm run size:app`).
 */
export interface PageContext {
  settings: () => PageSettings;
  follow: (apply: (settings: PageSettings) => void) => void;
  traceHook: () => PageTraceHook | undefined;
}

let engine: PageCall | undefined;

/**
 * The engine that runs in the page when no worker of ours controls it (first load before the
 * worker claims, a hard reload, a browser without service workers, another app's worker).
 * Loaded with a dynamic import and created on first use; it traces only when the app set up
 * page tracing, and its cache follows the worker's (option, database, partition).
 */
export function pageEngine({ settings, follow, traceHook }: PageContext): PageCall {
  if (engine !== undefined) return engine;
  const tracing = traceHook();
  const cache = new PageCache();
  cache.apply(settings());
  let policy = settings().policy;
  const rf = createResilientFetch({
    policy,
    fetch: inPageTransport(), // marked, so a worker it passes through does not run its pipeline again
    ...(tracing !== undefined ? { tracing: tracing.tracing, propagateTraceTo: (url: URL) => tracing.propagate(url) } : {}),
    cache,
  });
  follow((next) => {
    // A worker's handshake report changes the cache alone: the policy is resolved again only when new.
    if (next.policy !== undefined && next.policy !== policy) rf.configure((policy = next.policy));
    cache.apply(next);
  });
  engine = withResponseUrl(withCallPartition(rf, cache));
  return engine;
}

/**
 * A response the engine builds (retried, stored, synthetic: type 'default') has no URL, and
 * `response.url` was '' in the page only: through the worker the browser gives it the request's,
 * as fetch does. (An opaque response's '' is fetch's own and stays.)
 */
function withResponseUrl(call: PageCall): PageCall {
  return async (input, init) => {
    const response = await call(input, init);
    if (response.type === 'default' && response.url === '') {
      const url = new URL(absoluteUrl(input));
      url.hash = '';
      Object.defineProperty(response, 'url', { value: url.href });
    }
    return response;
  };
}

/**
 * Fixes each GET's cache partition when the call starts: the engine hands the cache the Request
 * it was given, so the partition bound to it holds even if the user signs out before the answer.
 */
function withCallPartition(rf: PageCall, cache: PageCache): PageCall {
  return (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (method !== 'GET') return rf(input, init);
    const { resilience, ...fetchInit } = init ?? {};
    let request: Request;
    try {
      request = new Request(input, fetchInit);
    } catch (error) {
      return Promise.reject(error); // what fetch would have rejected with
    }
    cache.bindPartition(request);
    return rf(request, resilience !== undefined ? { resilience } : undefined);
  };
}
