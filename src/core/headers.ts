/** The metadata headers every resilience response may carry (they cross the worker boundary). */
export const SOURCE = 'X-Resilience-Source';
export const REASON = 'X-Resilience-Reason';
export const ATTEMPTS = 'X-Resilience-Attempts';
export const TRACE_ID = 'X-Resilience-Trace-Id';
/**
 * On an answer the engine rebuilt from a redirected one: its final URL. A worker's rebuilt
 * Response has no URL list, so the browser gives the page the request's URL (and redirected
 * false); our page client puts this one back, as fetch would have reported it.
 */
export const FINAL_URL = 'X-Resilience-Url';
/** Per-call options from the page to the worker; stripped before the request leaves. */
export const OPTIONS_HEADER = 'X-Resilience-Options';
/**
 * On the worker's answer to a call from our page client that failed there (invalid per-call
 * options, a timeout, a network failure): `<error name>:<URI-encoded message>`. Thrown in the
 * worker, the error would reach the page as fetch's bare "Failed to fetch" (respondWith
 * rejected), so the page throws it again, as the in-page engine would have thrown it.
 */
export const CALL_ERROR = 'X-Resilience-Error';
/** A write the worker's outbox kept: its entry id (with `X-Resilience-Reason: queued`). */
export const OUTBOX_ID = 'X-Resilience-Outbox-Id';
