import { ATTEMPTS, REASON, SOURCE, TRACE_ID } from './headers.js';
import type { ResilienceReason, ResponseSource } from './types.js';

export interface ResponseDescription {
  /** Where the response came from. */
  source: ResponseSource;
  /** Why a fallback or synthetic response was served. */
  reason: ResilienceReason | undefined;
  /** Network attempts made (0 for a local rejection). */
  attempts: number;
  /** Seconds since a cached copy was stored. */
  ageSeconds: number | undefined;
  traceId: string | undefined;
  /** True when the body is not a fresh answer from the upstream. */
  stale: boolean;
}

/** Reads the resilience metadata of a response (a network response passed through reads as such). */
export function describeResponse(response: Response): ResponseDescription {
  const h = response.headers;
  const source = (h.get(SOURCE) as ResponseSource | null) ?? 'network';
  const age = h.get('Age');
  return {
    source,
    reason: (h.get(REASON) as ResilienceReason | null) ?? undefined,
    attempts: Number(h.get(ATTEMPTS) ?? (source === 'network' ? 1 : 0)),
    ageSeconds: source === 'cache' && age !== null ? Number(age) : undefined,
    traceId: h.get(TRACE_ID) ?? undefined,
    stale: source !== 'network',
  };
}
