import { OPTIONS_HEADER } from '../core/headers.js';
import { isInPageRequest } from './in-page-mark.js';

/** Decides which requests the pipeline handles. */
export type Matcher = (url: URL, request: Request) => boolean;

export interface RouteOptions {
  /**
   * Which requests the pipeline handles besides those `resilientFetch` sent (always handled):
   * a function, or a list of origins and RegExps (tested against the full URL). It decides for
   * sub-resources too. (plain `fetch` calls, with an empty `request.destination`, to the origins
   * named in `policy.origins`)
   */
  match?: Matcher | (string | RegExp)[];
  /** Navigations are left to the browser unless this is true. (false) */
  navigations?: boolean;
}

/**
 * Everything not matched is left untouched to the browser (no respondWith). By default that is
 * everything `resilientFetch` did not send except plain fetches to the named API origins: a
 * script, style or image sharing the API's breaker and its 6-slot bulkhead would queue behind
 * a slow API and trip its breaker on a missing asset. A request carrying our options header
 * always comes from `resilientFetch`, so it is always ours: otherwise the header would leave
 * for the upstream and trigger a CORS preflight.
 */
export function createRouter(options: RouteOptions, namedOrigins: () => string[]): (request: Request) => boolean {
  const matcher = matcherFor(options, namedOrigins);
  return (request) => {
    if (request.mode === 'navigate' && options.navigations !== true) return false;
    if (request.headers.has(OPTIONS_HEADER)) return true;
    if (isInPageRequest(request.url)) return false; // the in-page engine's: one pipeline per call
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return matcher(url, request);
  };
}

function matcherFor(options: RouteOptions, namedOrigins: () => string[]): Matcher {
  const custom = options.match;
  if (typeof custom === 'function') return custom;
  if (Array.isArray(custom)) {
    const origins = custom.filter((m): m is string => typeof m === 'string').map((m) => new URL(m).origin);
    const patterns = custom.filter((m): m is RegExp => m instanceof RegExp);
    return (url) => origins.includes(url.origin) || patterns.some((p) => p.test(url.href));
  }
  return (url, request) => isPlainFetch(request) && namedOrigins().includes(url.origin);
}

/** A `fetch()` call (or an allowed navigation), not a sub-resource the browser loads for a document. */
function isPlainFetch(request: Request): boolean {
  return request.destination === '' || request.mode === 'navigate';
}
