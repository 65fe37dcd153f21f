import { OPTIONS_HEADER } from '../core/headers.js';

/** Decides which requests the pipeline handles. */
export type Matcher = (url: URL, request: Request) => boolean;

export interface RouteOptions {
  /** Custom matcher; default: this worker's origin plus the origins named in the policy. */
  match?: Matcher | (string | RegExp)[];
  /** Navigations are left to the browser unless this is true. */
  navigations?: boolean;
}

/**
 * Everything not matched is left untouched to the browser (no respondWith). A request carrying
 * our options header always comes from `resilientFetch`, so it is always ours: otherwise the
 * header would leave for the upstream and trigger a CORS preflight.
 */
export function createRouter(options: RouteOptions, ownOrigin: string, namedOrigins: () => string[]): (request: Request) => boolean {
  const custom = options.match;
  const matcher: Matcher =
    typeof custom === 'function'
      ? custom
      : Array.isArray(custom)
        ? (url) => custom.some((m) => (typeof m === 'string' ? url.origin === new URL(m).origin : m.test(url.href)))
        : (url) => url.origin === ownOrigin || namedOrigins().includes(url.origin);
  return (request) => {
    if (request.mode === 'navigate' && options.navigations !== true) return false;
    if (request.headers.has(OPTIONS_HEADER)) return true;
    const url = new URL(request.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    return matcher(url, request);
  };
}
