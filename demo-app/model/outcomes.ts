/**
 * What a person wants to know about each call: did the upstream answer first time, after retries,
 * or did the app get a stored copy, a local refusal, or a failure. Read from the response's
 * resilience metadata (describeResponse), or from the error fetch threw.
 */
import type { ResponseDescription } from '../../src/index.js';

export type Outcome = 'fresh' | 'retried' | 'stale' | 'rejected' | 'failed';

export const OUTCOMES: readonly Outcome[] = ['fresh', 'retried', 'stale', 'rejected', 'failed'];

export const OUTCOME_LABEL: Readonly<Record<Outcome, string>> = {
  fresh: 'Fresh',
  retried: 'Retried, then answered',
  stale: 'Stale (from cache)',
  rejected: 'Refused locally (503)',
  failed: 'Failed',
};

/** One finished call, as the dashboard records it. */
export interface CallResult {
  origin: string;
  method: string;
  url: string;
  outcome: Outcome;
  /** HTTP status, absent when fetch threw. */
  status?: number;
  /** X-Resilience-Reason, or the error's name. */
  reason?: string;
  attempts: number;
  traceId?: string;
  ms: number;
  at: number;
}

/** Upstream statuses that count as a failure when they come back as the final answer. */
function isErrorStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

export function classifyResponse(status: number, meta: ResponseDescription): Outcome {
  if (meta.source === 'cache') return 'stale';
  if (meta.source === 'synthetic') return 'rejected';
  if (isErrorStatus(status)) return 'failed';
  return meta.attempts > 1 ? 'retried' : 'fresh';
}
