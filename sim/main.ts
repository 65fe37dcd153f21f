import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { renderChart, type Line } from './chart.js';
import type { PolicyOverrides } from './clients.js';
import { DEFAULT_FLEET, type FleetConfig, type RunData } from './fleet.js';
import { ALL_KINDS, TUNED_POLICY } from './kinds.js';
import { goalsTable, resultsTable } from './report.js';
import { ALL_SCENARIOS, scenarioById, type Scenario } from './scenarios.js';
import { summarize } from './summary.js';
import { kindOf, type RunTask } from './worker.js';

const COLORS: Record<string, string> = { ours: '#1565c0', 'ours-tuned': '#2e7d32', ky: '#ef6c00', naive3: '#c62828', none: '#757575', custom: '#6a1b9a' };

const { values: args } = parseArgs({
  options: {
    seed: { type: 'string', default: String(DEFAULT_FLEET.seed) },
    sample: { type: 'string', default: String(DEFAULT_FLEET.sample) },
    rate: { type: 'string', default: String(DEFAULT_FLEET.callsPerClientPerSecond) },
    'retry-after': { type: 'string' },
    scenarios: { type: 'string', default: ALL_SCENARIOS.map((s) => s.id).join(',') },
    kinds: { type: 'string', default: ALL_KINDS.map((k) => k.id).join(',') },
    policy: { type: 'string' },
    jobs: { type: 'string', default: String(Math.min(2, availableParallelism())) },
    out: { type: 'string', default: 'sim/results' },
  },
});

const config: FleetConfig = {
  ...DEFAULT_FLEET,
  seed: Number(args.seed),
  sample: Number(args.sample),
  callsPerClientPerSecond: Number(args.rate),
  ...(args['retry-after'] !== undefined ? { retryAfterSeconds: Number(args['retry-after']) } : {}),
};
const scenarios = args.scenarios.split(',').map(scenarioById);
const policy = args.policy === undefined ? undefined : (JSON.parse(args.policy) as PolicyOverrides);
const kindIds = [...args.kinds.split(','), ...(policy !== undefined ? ['custom'] : [])];
const tasks: RunTask[] = scenarios.flatMap((s) => kindIds.map((kindId) => ({ scenarioId: s.id, kindId, policy, config })));
const kinds = kindIds.map((kindId) => kindOf({ scenarioId: '', kindId, policy, config }));

const started = performance.now();
const runs = await runAll(tasks, Math.max(1, Number(args.jobs)));
const wallS = (performance.now() - started) / 1000;
const summaries = runs.map((run) => summarize(run, scenarioById(run.scenarioId)));

const clients = runs[0]?.clients ?? 0;
const setup =
  `${config.fleetSize.toLocaleString('en')} browsers (${clients} simulated, each with its own engine; sample ${config.sample}), ` +
  `${config.callsPerClientPerSecond} call/s each (Poisson), backend capacity ${config.headroom}× normal load, ` +
  `FIFO queue of ${config.queueSeconds} s of work, ${config.baseLatencyMs} ms base latency, ` +
  `${config.retryAfterSeconds === undefined ? 'no Retry-After' : `Retry-After: ${config.retryAfterSeconds} on 503s`}, seed ${config.seed}`;
const table = resultsTable(summaries, scenarios, kinds);
const events = runs.reduce((n, r) => n + r.events, 0);
const timing = `${runs.length} runs, ${(events / 1e6).toFixed(2)} M events, ${wallS.toFixed(1)} s wall with ${args.jobs} jobs`;
console.log(`${setup}\n\n${table}\n\n${timing}`);

if (args.out !== 'none') {
  mkdirSync(args.out, { recursive: true });
  for (const scenario of scenarios) writeFileSync(`${args.out}/${scenario.id}.svg`, chartOf(scenario, runs.filter((r) => r.scenarioId === scenario.id)));
  const goals = kinds.filter((k) => k.id.startsWith('ours') || k.id === 'custom').map((k) => `### ${k.label}\n\n${goalsTable(summaries, k, scenarios)}`);
  const tuned = `Tuned policy (over the defaults): \`${JSON.stringify(TUNED_POLICY)}\``;
  writeFileSync(
    `${args.out}/fleet.md`,
    `# Fleet simulation (\`npm run sim:fleet\`)\n\n${setup}.\n\n${tuned}\n\n${table}\n\n## Goals (issue 14)\n\n${goals.join('\n\n')}\n\n` +
      `Charts: ${scenarios.map((s) => `[${s.id}](${s.id}.svg)`).join(', ')}. ${timing}.\n`,
  );
}

/** Runs the tasks on `jobs` child processes (each run is independent and seeded, so order does not matter). */
async function runAll(all: RunTask[], jobs: number): Promise<RunData[]> {
  const queue = [...all];
  const results: RunData[] = [];
  const workerPath = new URL('./worker.ts', import.meta.url);
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      const child = fork(workerPath, [], { serialization: 'advanced', stdio: 'inherit' });
      try {
        for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
          const sent = task;
          results.push(
            await new Promise<RunData>((resolve, reject) => {
              child.once('message', (data) => resolve(data as RunData));
              child.once('exit', (code) => reject(new Error(`sim worker exited (${code}) during ${sent.scenarioId}/${sent.kindId}`)));
              child.send(sent);
            }),
          );
          child.removeAllListeners('exit');
        }
      } finally {
        child.kill();
      }
    }),
  );
  const order = (r: RunData) => all.findIndex((t) => t.scenarioId === r.scenarioId && t.kindId === r.kindId);
  return results.sort((a, b) => order(a) - order(b));
}

function chartOf(scenario: Scenario, scenarioRuns: RunData[]): string {
  const first = scenarioRuns[0]!;
  const bins = first.series.arrivals.length;
  const capacity = Array.from({ length: bins }, (_, bin) => first.capacityPerSecond * scenario.capacityShare((bin + 0.5) * first.binMs));
  const normal = summarize(first, scenario).normalLoad;
  const line = (run: RunData, key: keyof RunData['series']): Line => ({
    label: kinds.find((k) => k.id === run.kindId)?.label ?? run.kindId,
    color: COLORS[run.kindId] ?? '#000',
    values: run.series[key],
  });
  return renderChart({
    title: `${config.fleetSize.toLocaleString('en')} browsers, ${scenario.title}`,
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
