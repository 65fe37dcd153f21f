import type { Attributes } from '@opentelemetry/api';

/**
 * `server.address` and `server.port` (required on HTTP client spans), the port made explicit when
 * the URL leaves it out. None for a URL that does not parse: fetch will reject it with its own
 * error, and a span must not be the one to throw.
 */
export function serverAttributes(url: string): Attributes {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  return {
    'server.address': parsed.hostname,
    'server.port': parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80,
  };
}
