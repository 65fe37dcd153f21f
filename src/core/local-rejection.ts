import type { RejectReason } from './types.js';

/** A call the pipeline decided not to send (or not to send again). */
export class LocalRejection {
  constructor(
    readonly reason: RejectReason,
    readonly retryAfterMs?: number,
  ) {}
}
