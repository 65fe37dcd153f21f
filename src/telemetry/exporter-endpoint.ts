import { runtimeLocation } from './runtime-location.js';

/**
 * Resolves the OTLP/HTTP traces endpoint to an absolute URL. The endpoint is the FULL URL the
 * spans are POSTed to, `/v1/traces` included (e.g. `https://collector.example/v1/traces`): the
 * exporter appends nothing when given a URL. A relative endpoint (`/otlp/v1/traces`) is resolved
 * against the page's or worker's location, so page and worker can share one config.
 */
export function resolveEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint, runtimeLocation()?.href);
  } catch {
    throw new TypeError(`endpoint: ${JSON.stringify(endpoint)} is not a URL (give the full OTLP/HTTP URL, e.g. https://collector.example/v1/traces)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`endpoint: ${JSON.stringify(endpoint)} is not an http(s) URL`);
  }
  // fetch refuses a URL with credentials (a TypeError the exporter retries until its timeout, every
  // export). The message shows the URL without them: errors get logged.
  if (url.username !== '' || url.password !== '') {
    url.username = url.password = 'REDACTED';
    throw new TypeError(`endpoint: ${JSON.stringify(url.href)} carries credentials, which fetch refuses to send`);
  }
  return url.href;
}

/**
 * Whether a request goes to the OTLP endpoint. The worker's router must leave these alone: the
 * page's exporter POSTs pass through the worker's fetch event like any other request, and sending
 * them through the pipeline would trace the tracing (a span per export, exported again, forever)
 * and let a broken collector trip breakers meant for the app's upstreams. Query and hash are
 * ignored because collectors are sometimes addressed with a token in the query.
 */
export function isExporterRequest(url: URL | string, endpoint: string): boolean {
  return exporterRequests(endpoint)(url);
}

/** `isExporterRequest` for one endpoint, parsed once: the page asks on every call, the worker on every fetch event. */
export function exporterRequests(endpoint: string): (url: URL | string) => boolean {
  let otlp: URL;
  try {
    otlp = new URL(endpoint);
  } catch {
    return () => false;
  }
  const { origin, pathname } = otlp;
  return (url) => {
    let target: URL;
    try {
      target = url instanceof URL ? url : new URL(url);
    } catch {
      return false;
    }
    return target.origin === origin && target.pathname === pathname;
  };
}
