/** One SVG per phase: useful answers, upstream requests per call and p95 latency, per client. */
import { duration, pct, ratio } from './format.js';
import { CLIENT_LABELS, type Scored } from './report.js';
import type { Phase } from './scenario.js';
import { barChartSvg } from './svg-chart.js';

export function phaseChart(phase: Phase, scored: readonly Scored[]): string {
  const rows = scored.map((s) => ({ s, p: s.measures.perPhase.find((m) => m.phase === phase.name)! }));
  const bar = (s: Scored, value: number, text: string) => ({ label: CLIENT_LABELS[s.client], value, text, highlight: s.client === 'ours' });
  return barChartSvg(`Phase "${phase.name}": ${phase.label}`, `${((phase.endMs - phase.startMs) / 1000).toFixed(1)} s, ${rows[0]?.p.calls ?? 0} calls per client; calls grouped by the phase they were made in`, [
    { title: 'useful answers', max: 1, bars: rows.map(({ s, p }) => bar(s, p.useful, pct(p.useful))) },
    { title: 'upstream requests per call', bars: rows.map(({ s, p }) => bar(s, p.amplification, ratio(p.amplification))) },
    { title: 'p95 latency', bars: rows.map(({ s, p }) => bar(s, p.p95Ms, duration(p.p95Ms))) },
  ]);
}
