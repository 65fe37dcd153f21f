import type { ResilienceReason } from './types.js';

/** A call the pipeline refused locally (with `throwOnReject`): the network was never touched. */
export class ResilienceError extends Error {
  override readonly name = 'ResilienceError';

  constructor(
    readonly reason: ResilienceReason,
    readonly origin: string,
    /** When the origin may be tried again, where known. */
    readonly retryAfterMs?: number,
  ) {
    super(`resilient-fetch: ${origin} rejected locally (${reason})`);
  }
}
