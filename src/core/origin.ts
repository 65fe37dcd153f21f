const memo = new Map<string, string>();
const MEMO_LIMIT = 512;

let lastUrl = '';
let lastOrigin = '';

/**
 * The origin (scheme, host, port) of an absolute URL. Parsing a URL costs about a microsecond,
 * so the authority prefix is memoized: the hot path is a slice and a Map lookup, or nothing at
 * all for the URL asked about last (a page polling one endpoint, a retry).
 */
export function originOf(url: string): string {
  if (url === lastUrl) return lastOrigin;
  const schemeEnd = url.indexOf('://');
  let end = url.length;
  for (let i = schemeEnd + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) {
      end = i;
      break;
    }
  }
  const prefix = url.slice(0, end);
  let origin = memo.get(prefix);
  if (origin === undefined) {
    origin = new URL(prefix).origin;
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(prefix, origin);
  }
  lastUrl = url;
  lastOrigin = origin;
  return origin;
}
