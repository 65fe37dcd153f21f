/**
 * What one call came to, from the app's side. Shared by the page (which records it) and the
 * measures (which read it), so both agree on what "fresh", "stale" and "useful" mean.
 */
import type { CallKind, PhaseName, ScheduledCall } from './scenario.js';

/**
 * - fresh: a 2xx the upstream produced for this call (or a fetch this call joined);
 * - stale: a 2xx carrying an earlier answer (a stored copy, or data kept after a failed fetch);
 * - failed: any other status (an upstream error, a client's synthetic refusal);
 * - error: the call threw (network error, timeout, open breaker);
 * - unsettled: no answer before the run gave up waiting.
 */
export type Verdict = 'fresh' | 'stale' | 'failed' | 'error' | 'unsettled';

export interface CallRecord {
  id: number;
  kind: CallKind;
  path: string;
  phase: PhaseName;
  atMs: number;
  /** ms after the run start when the app had its answer; null if it never came. */
  settledMs: number | null;
  status: number | null;
  verdict: Verdict;
  detail?: string;
}

interface Answer {
  status: number;
  body: unknown;
  origin?: 'network' | 'copy';
  detail?: string;
}

function answeredCall(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as { call?: unknown }).call : undefined;
}

export function classify(call: ScheduledCall, settledMs: number | null, answer: Answer | undefined, error: string | undefined): CallRecord {
  const base = { id: call.id, kind: call.kind, path: call.path, phase: call.phase, atMs: call.atMs, settledMs };
  if (!answer) return { ...base, status: null, verdict: error === 'unsettled' ? 'unsettled' : 'error', ...(error ? { detail: error } : {}) };
  const detail = answer.detail !== undefined ? { detail: answer.detail } : {};
  if (answer.status < 200 || answer.status > 299) return { ...base, status: answer.status, verdict: 'failed', ...detail };
  const fresh = answer.origin ? answer.origin === 'network' : answeredCall(answer.body) === call.id;
  return { ...base, status: answer.status, verdict: fresh ? 'fresh' : 'stale', ...detail };
}

export const isUseful = (r: CallRecord) => r.verdict === 'fresh' || r.verdict === 'stale';
