import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { renderChart, type Line } from './chart.js';
import type { PolicyOverrides } from './clients.js';
import { DEFAULT_FLEET, type FleetConfig, type RunData } from './fleet.js';
import { ALL_KINDS, TUNED_POLICY } from './kinds.js';
import { runAll } from './pool.js';
import { goalsTable, resultsTable } from './report.js';
import { ALL_SCENARIOS, scenarioById } from './scenarios.js';
import { DEFAULT_STUDIES, describeSetup, type Study } from './studies.js';
import { summarize } from './summary.js';
import { kindOf, type RunTask } from './tasks.js';

const COLORS: Record<string, string> = { ours: '#1565c0', 'ours-tuned': '#2e7d32', 'ours-long-pause': '#00838f', ky: '#ef6c00', naive3: '#c62828', none: '#757575', custom: '#6a1b9a' };

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_FLEET.seed) },
    sample: { type: 'string' },
    rate: { type: 'string' },
    'retry-after': { type: 'string' },
    scenarios: { type: 'string' },
    kinds: { type: 'string' },
    policy: { type: 'string' },
    jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    out: { type: 'string', default: 'sim/results' },
  },
});

const policy = args.policy === undefined ? undefined : (JSON.parse(args.policy) as PolicyOverrides);
const seed = Number(args.seed);
const custom = [args.sample, args.rate, args['retry-after'], args.scenarios, args.kinds, args.policy].some((a) => a !== undefined);
const studies: Study[] = custom ? [customStudy()] : DEFAULT_STUDIES.map((s) => ({ ...s, config: { ...s.config, seed } }));
const tasks: RunTask[] = studies.flatMap((study) =>
  study.scenarios.flatMap((scenarioId) => study.kindIds.map((kindId) => ({ scenarioId, kindId, policy, config: study.config }))),
);

const started = performance.now();
const runs = await runAll(tasks, Math.max(1, Number(args.jobs)));
const wallS = (performance.now() - started) / 1000;
const events = runs.reduce((n, r) => n + r.events, 0);
const timing = `${runs.length} runs, ${(events / 1e6).toFixed(2)} M events, ${wallS.toFixed(1)} s wall with ${args.jobs} jobs`;

const sections: string[] = [];
studies.forEach((study, index) => {
  const studyRuns = runs.filter((_, i) => tasks[i]!.config === study.config);
  const summaries = studyRuns.map((run) => summarize(run, scenarioById(run.scenarioId)));
  const scenarios = study.scenarios.map(scenarioById);
  const kinds = study.kindIds.map((kindId) => kindOf({ scenarioId: '', kindId, policy, config: study.config }));
  const table = resultsTable(summaries, scenarios, kinds);
  console.log(`\n## ${study.title}\n${describeSetup(study.config, studyRuns[0]?.clients ?? 0)}\n\n${table}`);
  const goals = kinds.filter((k) => k.id.startsWith('ours') || k.id === 'custom').map((k) => `#### Goals, ${k.label}\n\n${goalsTable(summaries, k, scenarios)}`);
  const charts = scenarios.map((s) => `![${s.title}](${chartName(study, s.id, index)})`);
  sections.push(`## ${study.title}\n\n${describeSetup(study.config, studyRuns[0]?.clients ?? 0)}.\n\n${table}\n\n${goals.join('\n\n')}\n\n${charts.join('\n\n')}`);
  if (args.out !== 'none') {
    mkdirSync(args.out, { recursive: true });
    for (const scenario of scenarios) {
      writeFileSync(`${args.out}/${chartName(study, scenario.id, index)}`, chartOf(study, scenario.id, studyRuns.filter((r) => r.scenarioId === scenario.id)));
    }
  }
});
console.log(`\n${timing}`);
if (args.out !== 'none') {
  writeFileSync(
    `${args.out}/fleet.md`,
    `# Fleet simulation (\`npm run sim:fleet\`)\n\nTuned policy (over the defaults): \`${JSON.stringify(TUNED_POLICY)}\`. ${timing}.\n\n${sections.join('\n\n')}\n`,
  );
}

function customStudy(): Study {
  const config: FleetConfig = {
    ...DEFAULT_FLEET,
    seed,
    ...(args.sample !== undefined ? { sample: Number(args.sample) } : {}),
    ...(args.rate !== undefined ? { callsPerClientPerSecond: Number(args.rate) } : {}),
    ...(args['retry-after'] !== undefined ? { retryAfterSeconds: args['retry-after'] === 'until-return' ? 'until-return' : Number(args['retry-after']) } : {}),
  };
  const kindIds = [...(args.kinds ?? ALL_KINDS.map((k) => k.id).join(',')).split(','), ...(policy !== undefined ? ['custom'] : [])];
  return { id: 'custom', title: 'Custom run', config, scenarios: (args.scenarios ?? ALL_SCENARIOS.map((s) => s.id).join(',')).split(','), kindIds };
}

function chartName(study: Study, scenarioId: string, index: number): string {
  return index === 0 ? `${scenarioId}.svg` : `${study.id}-${scenarioId}.svg`;
}

function chartOf(study: Study, scenarioId: string, scenarioRuns: RunData[]): string {
  const scenario = scenarioById(scenarioId);
  const first = scenarioRuns[0]!;
  const bins = first.series.arrivals.length;
  const capacity = Array.from({ length: bins }, (_, bin) => first.capacityPerSecond * scenario.capacityShare((bin + 0.5) * first.binMs));
  const normal = summarize(first, scenario).normalLoad;
  const line = (run: RunData, key: keyof RunData['series']): Line => ({
    label: kindOf({ scenarioId, kindId: run.kindId, policy, config: study.config }).label,
    color: COLORS[run.kindId] ?? '#000',
    values: run.series[key],
  });
  return renderChart({
    title: `${study.config.fleetSize.toLocaleString('en')} browsers at ${study.config.callsPerClientPerSecond} call/s, ${scenario.title}`,
    binMs: first.binMs,
    trouble: { fromMs: scenario.failsAtMs, toMs: scenario.returnsAtMs },
    panels: [
      {
        title: 'Backend load: requests reaching it per second',
        yLabel: 'requests/s',
        lines: [{ label: 'capacity', color: '#000', values: capacity, dashed: true }, ...scenarioRuns.map((r) => line(r, 'arrivals'))],
      },
      {
        title: 'Goodput: calls answered fresh per second',
        yLabel: 'answers/s',
        lines: [{ label: 'normal demand', color: '#000', values: Array(bins).fill(normal), dashed: true }, ...scenarioRuns.map((r) => line(r, 'fresh'))],
      },
    ],
  });
}
