import type { RejectReason } from './types.js';

/** A call the pipeline decided not to send (or not to send again). */
export class LocalRejection {
  constructor(
    readonly reason: RejectReason,
    readonly retryAfterMs?: number,
    /** Refused because a half-open breaker's probe is in flight: its verdict is moments away. */
    readonly probing = false,
  ) {}
}
