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
