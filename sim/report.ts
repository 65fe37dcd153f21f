import type { ClientKind } from './clients.js';
import type { Scenario } from './scenarios.js';
import type { RunSummary } from './summary.js';

const pct = (share: number) => `${(share * 100).toFixed(share < 0.1 ? 1 : 0)}%`;
const seconds = (ms: number | null) => (ms === null || !Number.isFinite(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);

/** The results table: one row per scenario and kind of client. */
export function resultsTable(summaries: RunSummary[], scenarios: readonly Scenario[], kinds: readonly ClientKind[]): string {
  const rows = [
    '| scenario | client | fresh answers, whole run | load on the backend in trouble (× normal) | peak in the 20 s after return (× capacity) | time to full goodput after return | goodput lost after return (s of normal load) | first fresh answer, fleet | first fresh answer per client, p50 / p95 | wasted work after return | healthy at the end |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const scenario of scenarios) {
    for (const kind of kinds) {
      const s = summaries.find((x) => x.scenarioId === scenario.id && x.kindId === kind.id);
      if (s === undefined) continue;
      const recovery = s.recoveryMs === null ? '**never** (within the run)' : seconds(s.recoveryMs);
      rows.push(
        `| ${scenario.id} | ${kind.label} | ${pct(s.goodputShare)} | ${s.troubleLoad.toFixed(2)} | ${s.returnPeak.toFixed(2)} | ${recovery} | ${s.deficitAfterReturnS.toFixed(1)} | ${seconds(s.fleetFirstFreshMs)} | ${seconds(s.clientFirstFreshP50Ms)} / ${seconds(s.clientFirstFreshP95Ms)} | ${pct(s.wastedAfterReturn)} | ${s.healthyAtEnd ? 'yes' : '**no**'} |`,
      );
    }
  }
  return rows.join('\n');
}

/** The goals, checked for one kind of ours. */
export function goalsTable(summaries: RunSummary[], kind: ClientKind, scenarios: readonly Scenario[]): string {
  const rows = ['| goal | scenario | measured | result |', '| --- | --- | ---: | --- |'];
  const verdict = (ok: boolean) => (ok ? 'PASS' : '**MISS**');
  for (const scenario of scenarios) {
    const s = summaries.find((x) => x.scenarioId === scenario.id && x.kindId === kind.id);
    if (s === undefined) continue;
    rows.push(`| full goodput ≤ 5 s after capacity returns | ${scenario.id} | ${s.recoveryMs === null ? 'never' : seconds(s.recoveryMs)} | ${verdict(s.recoveryMs !== null && s.recoveryMs <= 5_000)} |`);
    if (scenario.id !== 'outage') continue;
    rows.push(`| probe load on the dead backend ≤ 1% of normal | outage | ${pct(s.troubleLoad)} | ${verdict(s.troubleLoad <= 0.01)} |`);
    rows.push(`| first fresh answer ≤ 3 s after recovery, fleet | outage | ${seconds(s.fleetFirstFreshMs)} | ${verdict(s.fleetFirstFreshMs <= 3_000)} |`);
    rows.push(`| first fresh answer ≤ 3 s after recovery, per client (p50) | outage | ${seconds(s.clientFirstFreshP50Ms)} | ${verdict(s.clientFirstFreshP50Ms <= 3_000)} |`);
  }
  return rows.join('\n');
}
