/**
 * Query parameters whose values never leave in a span (extend with `redactQueryParams`); lower case.
 * Includes the semconv 1.45 `url.full` list (AWSAccessKeyId, Signature, sig, X-Goog-Signature) and
 * the other presigned-URL credentials of S3 and GCS, which fetch sees in every upload and download.
 */
const DEFAULT_REDACTED_PARAMS = ['token', 'access_token', 'id_token', 'api_key', 'apikey', 'key', 'sig', 'signature', 'password', 'secret', 'code',
  'awsaccesskeyid', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'x-goog-signature', 'x-goog-credential'];

/** The names `redactUrl` replaces: the built-in list plus an app's own, any case. */
export function redactedParams(extra: readonly string[] = []): Set<string> {
  return new Set([...DEFAULT_REDACTED_PARAMS, ...extra.map((name) => name.toLowerCase())]);
}

/**
 * `url.full` without credentials and with sensitive query values replaced, per the semconv; and
 * without the fragment, which fetch never sends and which often holds a token (`#access_token=`).
 */
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
  parsed.hash = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (params.has(name.toLowerCase())) parsed.searchParams.set(name, 'REDACTED');
  }
  return parsed.href;
}
