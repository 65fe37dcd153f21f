/**
 * The scorecard as Markdown: the headline table (one row per measure, one column per client),
 * the harness checks, then one table per phase.
 */
import { duration, pct, ratio } from './format.js';
import type { ClientMeasures, PhaseMeasures } from './measures.js';
import type { ClientName } from './run-client.js';
import type { Phase } from './scenario.js';

export interface Scored {
  client: ClientName;
  measures: ClientMeasures;
}

export interface Check {
  what: string;
  measured: string;
  pass: boolean;
}

export const CLIENT_LABELS: Record<ClientName, string> = {
  fetch: 'fetch',
  ky: 'ky',
  workbox: 'Workbox',
  cockatiel: 'cockatiel',
  tanstack: 'TanStack',
  ours: 'ours',
};

const HEADLINE: [string, (m: ClientMeasures) => string][] = [
  ['useful answers, whole run', (m) => pct(m.usefulWholeRun)],
  ['GETs for URLs seen before, useful in failure phases', (m) => pct(m.seenBeforeUsefulInFailure)],
  ['amplification in failure phases', (m) => ratio(m.amplificationInFailure)],
  ['outage p99', (m) => duration(m.outageP99Ms)],
  ['first fresh answer after the backend healed', (m) => (m.firstFreshAfterHealMs === null ? `none in ${duration(m.recoveryPhaseMs)}` : duration(m.firstFreshAfterHealMs))],
  ['POSTs answered 2xx in recovery', (m) => pct(m.postsOkInRecovery)],
  ['POSTs answered 2xx in the failure phases', (m) => pct(m.postsOkInFailure)],
  ['GETs in the slow phase, p95', (m) => duration(m.slowGetP95Ms)],
  ['plain POSTs sent twice', (m) => String(m.plainPostsSentTwice)],
];

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

export function headlineTable(scored: readonly Scored[]): string {
  const label = (c: ClientName) => (c === 'ours' ? '**ours**' : CLIENT_LABELS[c]);
  return [
    row(['measure', ...scored.map((s) => label(s.client))]),
    row(['---', ...scored.map(() => '---:')]),
    ...HEADLINE.map(([name, cell]) => row([name, ...scored.map((s) => (s.client === 'ours' ? `**${cell(s.measures)}**` : cell(s.measures)))])),
  ].join('\n');
}

function phaseTable(phase: Phase, scored: readonly Scored[]): string {
  const of = (s: Scored) => s.measures.perPhase.find((p) => p.phase === phase.name)!;
  const cols: [string, (p: PhaseMeasures) => string][] = [
    ['calls', (p) => String(p.calls)],
    ['upstream requests', (p) => String(p.received)],
    ['useful', (p) => pct(p.useful)],
    ['of which stale', (p) => pct(p.stale)],
    ['amplification', (p) => ratio(p.amplification)],
    ['p50', (p) => duration(p.p50Ms)],
    ['p95', (p) => duration(p.p95Ms)],
    ['p99', (p) => duration(p.p99Ms)],
    ['POSTs 2xx', (p) => pct(p.postsOk)],
  ];
  return [
    `### ${phase.name}: ${phase.label} (${(phase.startMs / 1000).toFixed(1)}–${(phase.endMs / 1000).toFixed(1)} s)`,
    '',
    row(['client', ...cols.map(([c]) => c)]),
    row(['---', ...cols.map(() => '---:')]),
    ...scored.map((s) => row([CLIENT_LABELS[s.client], ...cols.map(([, f]) => f(of(s)))])),
  ].join('\n');
}

export function markdownReport(opts: { title: string; method: string; scored: readonly Scored[]; checks: readonly Check[]; phases: readonly Phase[] }): string {
  return [
    `# ${opts.title}`,
    '',
    opts.method,
    '',
    headlineTable(opts.scored),
    '',
    '## Harness checks',
    '',
    ...opts.checks.map((c) => `- ${c.pass ? 'PASS' : 'FAIL'}: ${c.what}: ${c.measured}`),
    '',
    '## Per phase',
    '',
    ...opts.phases.flatMap((p) => [phaseTable(p, opts.scored), '']),
  ].join('\n');
}
