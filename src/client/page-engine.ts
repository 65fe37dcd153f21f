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
  engine = withFetchChecks(withResponseUrl(withCallPartition(rf, cache)));
  return engine;
}

/**
 * A response the engine builds with no answer of the network's behind it (synthetic, the app's
 * fallback handler's, a copy stored before copies kept their URL: type 'default') has no URL, and
 * `response.url` was '' in the page only: through the worker the browser gives it the request's.
 * (A retried answer or a stored copy has the URL fetch reported, core/responses.ts withUrlOf; an
 * opaque response's '' is fetch's own and stays.)
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
 * A call fetch itself refuses (a URL it cannot parse, a forbidden method or header) rejects with
 * fetch's own TypeError, as through the worker, where the page's fetch is what refuses it: the
 * engine said "Failed to construct 'URL'" instead, or tried a CONNECT and reported a network
 * failure. Checked without the body, which a Request made with it would take; a Request given as
 * input was checked when it was made.
 */
function withFetchChecks(call: PageCall): PageCall {
  return (input, init) => {
    // A GET is checked by withCallPartition, which makes its Request anyway: one construction, not two.
    if (input instanceof Request || (init?.method ?? 'GET').toUpperCase() === 'GET') return call(input, init);
    try {
      new Request(input, { method: init?.method, headers: init?.headers });
    } catch {
      return refusedByFetch(input, init);
    }
    return call(input, init);
  };
}

/** Rejects as fetch does, before anything is sent (it fails where our own check failed). */
function refusedByFetch(input: RequestInfo | URL, init: ResilientRequestInit | undefined): Promise<Response> {
  const { resilience: _options, ...fetchInit } = init ?? {};
  return fetch(input, fetchInit);
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
    } catch {
      return refusedByFetch(input, init); // a body with the GET, say
    }
    cache.bindPartition(request);
    return rf(request, resilience !== undefined ? { resilience } : undefined);
  };
}
