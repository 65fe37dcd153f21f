/** The metadata headers every resilience response may carry (they cross the worker boundary). */
export const SOURCE = 'X-Resilience-Source';
export const REASON = 'X-Resilience-Reason';
export const ATTEMPTS = 'X-Resilience-Attempts';
export const TRACE_ID = 'X-Resilience-Trace-Id';
/** Per-call options from the page to the worker; stripped before the request leaves. */
export const OPTIONS_HEADER = 'X-Resilience-Options';
/** A write the worker's outbox kept: its entry id (with `X-Resilience-Reason: queued`). */
export const OUTBOX_ID = 'X-Resilience-Outbox-Id';
