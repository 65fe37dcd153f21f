/** How a request's URL and a response's headers are written down in an entry. */

/** The Cache API ignores fragments when matching; so do we. */
export function withoutFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

/**
 * Response headers as pairs, minus those that would be false on the copy we serve:
 * - Set-Cookie: replaying it would set a stale cookie (browsers hide it from scripts; Node does not).
 * - Content-Encoding and Content-Length of an encoded response: fetch hands us the decoded body,
 *   so they describe bytes we never stored, and a consumer trusting them would misread the body.
 */
export function storedHeaders(headers: Headers): [string, string][] {
  const decoded = headers.has('content-encoding');
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => {
    if (name === 'set-cookie') return;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) return;
    pairs.push([name, value]);
  });
  return pairs;
}
