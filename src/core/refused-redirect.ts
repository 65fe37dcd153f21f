/**
 * fetch rejects a redirect under `redirect: 'error'` with a TypeError no different from a network
 * error, so the engine sent the call again (the same 3xx each time) and counted each attempt
 * against a healthy origin, whose breaker then opened. Such a request is sent with 'manual'
 * (request-plan.ts), and its redirect is turned into the TypeError here, once, counted as nothing
 * (attempt.ts).
 */
export function refusedRedirect(response: Response, safeUrl: string): TypeError | undefined {
  // A browser gives an opaque redirect; Node's fetch hands the 3xx itself over.
  if (response.type !== 'opaqueredirect' && !/^30[12378]$/.test(String(response.status))) return undefined;
  // The redirect is its cause: the upstream answered (the outbox must not keep the write for later).
  return new TypeError(`resilient-fetch: ${safeUrl} redirected (redirect: 'error')`, { cause: response });
}

/**
 * A `no-cors` request may only follow redirects: fetch fails one made with `redirect: 'error'` or
 * 'manual' before sending anything (Fetch spec, main fetch; Chromium, Firefox and WebKit reject
 * it with a bare TypeError, and so does Node's fetch). Taken for a network failure, it was
 * retried until the budget ran out and opened a healthy origin's breaker, so it is refused up
 * front, like invalid input: thrown, it rejects the call and counts nothing.
 */
export function refuseNoCorsRedirect(input: RequestInfo | URL, init: RequestInit | undefined): void {
  const request = input instanceof Request ? input : undefined;
  const redirect = init?.redirect ?? request?.redirect;
  if (redirect && redirect !== 'follow' && (init?.mode ?? request?.mode) === 'no-cors') throw new TypeError(`resilient-fetch: redirect: '${redirect}' is not allowed with mode: 'no-cors' (only 'follow' is)`);
}
