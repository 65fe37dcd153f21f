/** Query parameters whose values never leave in a span (extend with `redactQueryParams`). */
export const DEFAULT_REDACTED_PARAMS = ['token', 'access_token', 'id_token', 'api_key', 'apikey', 'key', 'sig', 'signature', 'password', 'secret', 'code'];

/** `url.full` without credentials and with sensitive query values replaced, per the semconv. */
export function redactUrl(url: string, params: ReadonlySet<string>): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    parsed.username = 'REDACTED';
    parsed.password = 'REDACTED';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (params.has(name.toLowerCase())) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.href;
}
