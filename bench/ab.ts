/**
 * `npm run bench:ab -- <core dir> [<core dir> ...]` — copies of the engine side by side, in one
 * process, interleaved: what a patch to src/core buys, measured as a ratio in the same rounds
 * (on a shared machine, far steadier than two runs of bench:core). The first row is src/core
 * as it is, the second an identical copy (their gap is the run's noise floor); each argument is
 * a directory holding a (patched) copy of src/core's files. bare and opossum run alongside as
 * yardsticks.
 *
 *   cp -r src/core /tmp/core-fast && $EDITOR /tmp/core-fast/call.ts && npm run bench:ab -- /tmp/core-fast
 *
 * `--browser` races the same engines (the same plain-JS builds, bundled by esbuild) in headless
 * Chromium instead (no CPU column, no byte counts there); add `--no-cdp` to run that page in a
 * plain Chromium process with no DevTools protocol attached (see browser/run.ts).
 * `--closed` times the breaker-only configuration instead of the default pipeline. `--burst=N`
 * starts N calls at once per op and awaits them all (calls in flight together; µs per burst).
 * `--worker-shaped` calls ours as the service worker does (a Request input, a cache set). Bytes per call
 * (exact, load-independent: lib/alloc.ts in a child process) follow the timing table. Engines
 * that allocate a lot slow the GC of every contender in the process, so on a loaded machine
 * trust the byte counts and the direction of the timings more than their size.
 * Knobs as bench:core: BENCH_ROUNDS (31), BENCH_SAMPLE_MS (10), BENCH_WARMUP_MS (150),
 * BENCH_SCENARIO_BUDGET_MS (10000). Under Node 22: `npx -y -p node@22 node --import tsx bench/ab.ts …`.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureAllocation, type AllocResult } from './lib/alloc.js';
import { abContenders, abResult } from './lib/ab-contenders.js';
import { timeInterleaved } from './lib/harness.js';
import { loadCore, loadCoreFrom } from './lib/load-core.js';
import { within } from './lib/within.js';
import { timingTables } from './lib/report.js';

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const closed = process.argv.includes('--closed');
const workerShaped = process.argv.includes('--worker-shaped');
const burst = Number(process.argv.find((a) => a.startsWith('--burst='))?.slice('--burst='.length) ?? 1);
const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
// src/core twice: the gap between two identical engines is the noise floor of this run.
const loaded = [
  { name: 'src/core', ...(await loadCore()) },
  { name: 'src/core (A/A replica: the noise floor)', ...(await loadCoreFrom('src/core', 'replica')) },
];
for (const [i, dir] of dirs.entries()) loaded.push({ name: basename(dir), ...(await loadCoreFrom(dir, `ab${i}`)) });
const engines = loaded.map((l) => ({ name: l.name, core: l.core }));
const builds = loaded.map((l) => ({ name: l.name, entry: l.entry! }));

const opts = {
  rounds: env('BENCH_ROUNDS', 31),
  minRounds: 9,
  budgetMs: env('BENCH_SCENARIO_BUDGET_MS', 10_000),
  sampleMs: env('BENCH_SAMPLE_MS', 10),
  warmupMs: env('BENCH_WARMUP_MS', 150),
  seed: 0xab,
};

if (process.argv.includes('--browser')) {
  const { autorunWithoutCdp, bundlePage, withBenchPage } = await import('./browser/run.js');
  const script = await bundlePage('ab-page.ts', undefined, builds);
  const noCdp = process.argv.includes('--no-cdp');
  const result = noCdp
    ? (JSON.parse(await autorunWithoutCdp(script, [closed, opts, burst, workerShaped])) as Parameters<typeof timingTables>[0][number])
    : await withBenchPage(script, (page) => within(page.evaluate(([c, o, b, w]) => window.coreBench.ab!(c, o, b, w), [closed, opts, burst, workerShaped] as const), 120_000, 'bench:ab in Chromium'));
  process.stdout.write(`${timingTables([result], noCdp ? 'Chromium, no DevTools protocol' : 'Chromium').md.join('\n')}\n`);
  process.exit(0);
}

const contenders = abContenders(engines, closed, burst, workerShaped);

if (process.argv.includes('--alloc-child')) {
  const results: AllocResult[] = [];
  for (const c of contenders) results.push(await measureAllocation(c, 2000, 7, 5_000));
  for (const c of contenders) c.dispose?.();
  process.stdout.write(`ALLOC_JSON ${JSON.stringify(results)}\n`);
  process.exit(0);
}

const timings = await timeInterleaved(contenders, opts);
for (const c of contenders) c.dispose?.();
const result = abResult(engines, closed, timings, `Node ${process.version}, load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs`, burst, workerShaped);
process.stdout.write(`${timingTables([result], `Node ${process.versions.node.split('.')[0]}`).md.join('\n')}\n`);

const child = spawnSync(
  process.execPath,
  ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2), '--alloc-child'],
  { encoding: 'utf8', timeout: 120_000 },
);
const line = child.stdout?.split('\n').find((l) => l.startsWith('ALLOC_JSON '));
if (line === undefined) {
  process.stdout.write(`allocation child failed: ${(child.stderr || child.error?.message || '').slice(0, 400)}\n`);
} else {
  const alloc = JSON.parse(line.slice('ALLOC_JSON '.length)) as AllocResult[];
  process.stdout.write('| contender | bytes/call (exact) |\n| --- | ---: |\n');
  for (const r of alloc) process.stdout.write(`| ${r.name} | ${Math.round(r.bytesPerOp).toLocaleString('en-US')} B |\n`);
}
