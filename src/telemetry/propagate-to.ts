import { fail } from '../core/validation.js';

/**
 * Where `traceparent` may be sent, besides the page's or worker's own origin.
 *
 * - a string that is a bare origin (`https://api.example.com`) matches every URL of that origin;
 * - a string with a path (`https://api.example.com/v1/`) matches that URL and everything under it
 *   (at a path-segment boundary, so `/v1` does not match `/v10`);
 * - a RegExp is tested against the full URL (`url.href`).
 *
 * Trace headers leak trace ids to whoever receives them and make cross-origin requests
 * non-simple (a CORS preflight, and the upstream must allow the header), so the list is opt-in.
 */
export type PropagateTo = readonly (string | RegExp)[];

/** Whether `url` may receive `traceparent` according to `list`. Never throws: an unusable URL or entry matches nothing. */
export function matchesPropagateTo(url: URL | string, list: PropagateTo): boolean {
  const target = toUrl(url);
  if (target === undefined) return false;
  return list.some((entry) => (typeof entry === 'string' ? matchesString(target, entry) : matchesRegExp(target, entry)));
}

/** Throws a TypeError naming the first entry that is neither an absolute http(s) URL string nor a RegExp: a typo must not silently disable propagation. */
export function assertPropagateTo(list: unknown): asserts list is PropagateTo {
  if (!Array.isArray(list)) fail('propagateTo', list, 'an array');
  list.forEach((entry: unknown, i) => {
    const ok = entry instanceof RegExp || (typeof entry === 'string' && /^https?:/i.test(entry) && URL.canParse(entry));
    if (!ok) fail(`propagateTo[${i}]`, entry, 'an absolute http(s) origin or URL string, or a RegExp');
  });
}

function toUrl(url: URL | string): URL | undefined {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

function matchesString(target: URL, entry: string): boolean {
  const pattern = toUrl(entry);
  if (pattern === undefined || pattern.origin !== target.origin) return false;
  // `new URL('https://a.test')` has pathname '/', so a bare origin and an origin with '/' both mean "the whole origin".
  if (pattern.pathname === '/' && pattern.search === '' && pattern.hash === '') return true;
  const prefix = pattern.origin + pattern.pathname + pattern.search;
  const href = target.href;
  if (!href.startsWith(prefix)) return false;
  if (prefix.endsWith('/') || href.length === prefix.length) return true;
  const next = href.charAt(prefix.length);
  return next === '/' || next === '?' || next === '#';
}

function matchesRegExp(target: URL, entry: RegExp): boolean {
  // A /g or /y RegExp keeps `lastIndex` between calls, which would make every other test fail.
  entry.lastIndex = 0;
  return entry.test(target.href);
}
