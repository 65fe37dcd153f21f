/**
 * The scenario every client lives through, as data: the upstream's phases and the seeded call
 * schedule. Pure, so the page, the upstream and the measures read the same definition.
 */
import { seededRandom } from './random.js';

export type PhaseName = 'healthy' | 'errors' | 'slow' | 'hung' | 'outage' | 'storm' | 'recovery';

export interface Phase {
  name: PhaseName;
  /** What the upstream does, in words, for the report. */
  label: string;
  startMs: number;
  endMs: number;
  /** Counted in the failure-phase measures. */
  failure: boolean;
}

/**
 * Full-length phase durations (ms). The recovery phase is the longest because it measures how
 * long a client takes to come back: the current engine was seen taking ~15 s (issue 15).
 */
const FULL: readonly [PhaseName, string, number, boolean][] = [
  ['healthy', 'healthy', 10_000, false],
  ['errors', '50% 503', 10_000, true],
  ['slow', 'slow (2 s)', 10_000, true],
  ['hung', 'hung (never answers)', 8_000, true],
  ['outage', 'outage (connection reset)', 8_000, true],
  ['storm', '429 storm (Retry-After: 2)', 8_000, true],
  ['recovery', 'healthy again', 20_000, false],
];

export function phases(scale: number): Phase[] {
  let at = 0;
  return FULL.map(([name, label, ms, failure]) => {
    const startMs = at;
    at += Math.round(ms * scale);
    return { name, label, startMs, endMs: at, failure };
  });
}

export function phaseAt(list: readonly Phase[], ms: number): Phase {
  return list.find((p) => ms < p.endMs) ?? list[list.length - 1]!;
}

export type CallKind = 'get' | 'keyed-post' | 'plain-post';

export interface ScheduledCall {
  /** Index in the schedule: also the call id the upstream sees (`X-Call-Id`). */
  id: number;
  /** When the call is made, ms after the run starts. */
  atMs: number;
  kind: CallKind;
  /** `/api/items/<n>` for GETs (20 URLs), `/api/orders` for POSTs. */
  path: string;
  phase: PhaseName;
}

export const CALLS_PER_SECOND = 20;
export const GET_URLS = 20;

/**
 * 20 calls a second at even spacing (a steady app, so phases compare), the kind and URL of each
 * drawn from the seed: 70% GETs over 20 URLs, 15% POSTs with an Idempotency-Key, 15% plain POSTs.
 */
export function schedule(list: readonly Phase[], seed: number): ScheduledCall[] {
  const random = seededRandom(seed);
  const end = list[list.length - 1]!.endMs;
  const gap = 1000 / CALLS_PER_SECOND;
  const calls: ScheduledCall[] = [];
  for (let id = 0, atMs = 0; atMs < end; id++, atMs = id * gap) {
    const r = random();
    const kind: CallKind = r < 0.7 ? 'get' : r < 0.85 ? 'keyed-post' : 'plain-post';
    const path = kind === 'get' ? `/api/items/${Math.floor(random() * GET_URLS)}` : '/api/orders';
    calls.push({ id, atMs, kind, path, phase: phaseAt(list, atMs).name });
  }
  return calls;
}
