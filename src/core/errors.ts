import type { ResilienceReason } from './types.js';

/**
 * A call the pipeline refused locally (with `throwOnReject`): the network was never touched.
 * It carries no stack trace: it is a verdict about an origin, not a bug, and capturing a stack
 * would cost more than the whole rejection (an open breaker is meant to be cheap).
 */
export class ResilienceError extends Error {
  readonly reason: ResilienceReason;
  readonly origin: string;
  /** When the origin may be tried again, where known. */
  readonly retryAfterMs: number | undefined;
  /** A write the worker's outbox kept (reason `queued`): its entry id (`X-Resilience-Outbox-Id`). */
  readonly outboxId?: string;

  constructor(reason: ResilienceReason, origin: string, retryAfterMs?: number) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`resilient-fetch: ${origin} rejected locally (${reason})`);
    Error.stackTraceLimit = limit;
    this.reason = reason;
    this.origin = origin;
    this.retryAfterMs = retryAfterMs;
  }
}

ResilienceError.prototype.name = 'ResilienceError';
