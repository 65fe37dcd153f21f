/**
 * The shape of `/demo-config.json`, which the demo server writes next to the built SPA so the
 * page learns where the upstreams and the OTLP receiver listen (their ports are only known at
 * start). Shared by the server that writes it and the page that reads it; types only.
 */
export interface DemoConfig {
  /** The chaos upstreams, one origin each, in dashboard order. */
  upstreams: { name: string; url: string }[];
  /** The embedded receiver: its base URL (`/api/traces` lives there) and the export endpoint. */
  otlp: { url: string; tracesUrl: string };
  /** A trace link users can paste into their backend; `{traceId}` is replaced. */
  traceLinkTemplate: string;
  /** The real collector exports are copied to, if any. */
  forwarding: string | null;
}
