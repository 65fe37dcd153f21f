/**
 * The scorecard's measures, computed from what the app got (call records) and what the upstream
 * received (its log). Calls are assigned to the phase in which they were made; upstream requests
 * to the phase of the call they carry (`X-Call-Id`), so a retry that lands in the next phase
 * still counts against the call that caused it.
 */
import { isUseful, type CallRecord } from './outcome.js';
import { percentile } from './percentile.js';
import type { Phase, PhaseName } from './scenario.js';
import type { ReceivedRequest } from './upstream.js';

export interface PhaseMeasures {
  phase: PhaseName;
  calls: number;
  received: number;
  /** Share of calls with a useful answer (fresh 2xx or stale copy). */
  useful: number;
  stale: number;
  /** Upstream requests received per call made. */
  amplification: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Share of POSTs answered 2xx by the upstream. */
  postsOk: number;
}

export interface ClientMeasures {
  usefulWholeRun: number;
  /** GETs made in failure phases for a URL that had a useful answer before: share useful. */
  seenBeforeUsefulInFailure: number;
  seenBeforeCount: number;
  amplificationInFailure: number;
  outageP99Ms: number;
  /** From the final healthy phase's start to the first fresh 2xx; null if none came. */
  firstFreshAfterHealMs: number | null;
  /** The final healthy phase's length: the longest first-fresh time this run can show. */
  recoveryPhaseMs: number;
  postsOkInRecovery: number;
  postsOkInFailure: number;
  slowGetP95Ms: number;
  plainPostsSentTwice: number;
  /** Requests without a call id (should be 0: every client forwards the header). */
  unattributed: number;
  perPhase: PhaseMeasures[];
}

const latency = (r: CallRecord) => (r.settledMs === null ? Infinity : r.settledMs - r.atMs);
const share = (part: number, whole: number) => (whole === 0 ? NaN : part / whole);
const isPost = (r: CallRecord) => r.kind !== 'get';
const postOk = (r: CallRecord) => r.verdict === 'fresh';

function receivedByPhase(calls: readonly CallRecord[], received: readonly ReceivedRequest[]): Map<PhaseName, number> {
  const phaseOf = new Map(calls.map((c) => [c.id, c.phase]));
  const counts = new Map<PhaseName, number>();
  for (const r of received) {
    const phase = (r.callId !== null ? phaseOf.get(r.callId) : undefined) ?? r.phase;
    counts.set(phase, (counts.get(phase) ?? 0) + 1);
  }
  return counts;
}

function phaseMeasures(phase: PhaseName, calls: readonly CallRecord[], received: number): PhaseMeasures {
  const lat = calls.map(latency);
  const posts = calls.filter(isPost);
  return {
    phase,
    calls: calls.length,
    received,
    useful: share(calls.filter(isUseful).length, calls.length),
    stale: share(calls.filter((c) => c.verdict === 'stale').length, calls.length),
    amplification: share(received, calls.length),
    p50Ms: percentile(lat, 0.5),
    p95Ms: percentile(lat, 0.95),
    p99Ms: percentile(lat, 0.99),
    postsOk: share(posts.filter(postOk).length, posts.length),
  };
}

/** GETs in failure phases whose URL had a useful answer settled before the call was made. */
function seenBeforeGets(calls: readonly CallRecord[], failure: ReadonlySet<PhaseName>): CallRecord[] {
  const usefulAt = new Map<string, number[]>();
  for (const c of calls) if (c.kind === 'get' && isUseful(c) && c.settledMs !== null) usefulAt.set(c.path, [...(usefulAt.get(c.path) ?? []), c.settledMs]);
  return calls.filter((c) => c.kind === 'get' && failure.has(c.phase) && (usefulAt.get(c.path) ?? []).some((t) => t <= c.atMs));
}

function plainPostsSentTwice(calls: readonly CallRecord[], received: readonly ReceivedRequest[]): number {
  const plain = new Set(calls.filter((c) => c.kind === 'plain-post').map((c) => c.id));
  const seen = new Map<number, number>();
  for (const r of received) if (r.callId !== null && plain.has(r.callId)) seen.set(r.callId, (seen.get(r.callId) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}

export function measure(phases: readonly Phase[], calls: readonly CallRecord[], received: readonly ReceivedRequest[]): ClientMeasures {
  const failure = new Set(phases.filter((p) => p.failure).map((p) => p.name));
  const counts = receivedByPhase(calls, received);
  const perPhase = phases.map((p) => phaseMeasures(p.name, calls.filter((c) => c.phase === p.name), counts.get(p.name) ?? 0));
  const inFailure = calls.filter((c) => failure.has(c.phase));
  const receivedInFailure = [...failure].reduce((sum, p) => sum + (counts.get(p) ?? 0), 0);
  const heal = phases[phases.length - 1]!;
  const freshAfterHeal = calls
    .filter((c) => c.verdict === 'fresh' && c.settledMs !== null && c.settledMs >= heal.startMs)
    .map((c) => c.settledMs! - heal.startMs);
  const seenBefore = seenBeforeGets(calls, failure);
  const recoveryPosts = calls.filter((c) => c.phase === heal.name && isPost(c));
  const failurePosts = inFailure.filter(isPost);
  return {
    usefulWholeRun: share(calls.filter(isUseful).length, calls.length),
    seenBeforeUsefulInFailure: share(seenBefore.filter(isUseful).length, seenBefore.length),
    seenBeforeCount: seenBefore.length,
    amplificationInFailure: share(receivedInFailure, inFailure.length),
    outageP99Ms: percentile(calls.filter((c) => c.phase === 'outage').map(latency), 0.99),
    firstFreshAfterHealMs: freshAfterHeal.length ? Math.min(...freshAfterHeal) : null,
    recoveryPhaseMs: heal.endMs - heal.startMs,
    postsOkInRecovery: share(recoveryPosts.filter(postOk).length, recoveryPosts.length),
    postsOkInFailure: share(failurePosts.filter(postOk).length, failurePosts.length),
    slowGetP95Ms: percentile(calls.filter((c) => c.phase === 'slow' && c.kind === 'get').map(latency), 0.95),
    plainPostsSentTwice: plainPostsSentTwice(calls, received),
    unattributed: received.filter((r) => r.callId === null).length,
    perPhase,
  };
}
