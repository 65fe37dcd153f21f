/**
 * `npm run bench:core` — the engine against cockatiel 4 and opossum 10, side by side in one run,
 * on the same in-memory fake transport (a pre-built body-less Response, resolved at once).
 *
 *   1. success path, full pipeline      ours (defaults) | cockatiel wrap(...) | opossum | bare
 *   2. closed breaker alone              ours (cheapest with a breaker) | cockatiel | opossum | bare
 *   3. open-breaker rejection            ours (503 / throwOnReject) | cockatiel | opossum
 *   4. bytes allocated per call          (child process with --expose-gc, see lib/alloc.ts)
 *
 * Timing: own harness (lib/harness.ts), no dependency. Prints PASS/MISS per target of issue 13
 * (lib/report.ts) but always exits 0. Writes the same tables as Markdown to bench/results/core.md
 * (core-node<major>.md on a Node other than 20).
 *
 * `--browser` (or `npm run bench:core:browser`): the same scenarios (lib/scenarios.ts) and harness,
 * bundled with esbuild and timed in a headless Chromium page (bench/browser/); no allocation or CPU
 * column there. Writes bench/results/core-chromium.md. `--browser --no-cdp` (npm run
 * bench:core:browser:nocdp): the same page in a plain Chromium process with no DevTools protocol
 * attached (what users run; see browser/run.ts), to bench/results/core-chromium-nocdp.md. Under Node 22:
 * `npx -y -p node@22 node --import tsx bench/core.bench.ts` (npm run bench:core:node22).
 * Knobs: BENCH_ROUNDS (31), BENCH_SAMPLE_MS (10), BENCH_WARMUP_MS (150), BENCH_ALLOC_N (2000),
 * BENCH_SCENARIO_BUDGET_MS (10000: fewer rounds, at least 9, when a loaded machine slows sampling),
 * BENCH_ENGINE=tsx and BENCH_CORE_SRC=<dir> (see lib/load-core.ts). Whole run well under 60 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureAllocation, type AllocResult } from './lib/alloc.js';
import { loadCore } from './lib/load-core.js';
import { useCore } from './lib/contenders.js';
import { allocationTable, SETUP, targetTable, timingTables, type AllocReport } from './lib/report.js';
import { allocationContenders, runScenario, SCENARIOS, type ScenarioResult } from './lib/scenarios.js';
import type { TimingOptions } from './lib/harness.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

// ---------------------------------------------------------------------------------------------
// allocation child

async function allocMain(): Promise<void> {
  const n = env('BENCH_ALLOC_N', 2000);
  useCore((await loadCore()).core);
  const contenders = await allocationContenders();
  const results: AllocResult[] = [];
  for (const c of contenders) results.push(await measureAllocation(c, n, 7, 5_000));
  for (const c of contenders) c.dispose?.();
  process.stdout.write(`ALLOC_JSON ${JSON.stringify({ n, results })}\n`);
}

function runAllocChild(): AllocReport {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--import', 'tsx', THIS_FILE, '--alloc'],
    { encoding: 'utf8', timeout: 20_000, env: { ...process.env, BENCH_CORE_PREBUILT: process.env.BENCH_ENGINE === 'tsx' ? '0' : '1' } },
  );
  const line = child.stdout?.split('\n').find((l) => l.startsWith('ALLOC_JSON '));
  if (line === undefined) return { error: (child.stderr || child.error?.message || `exit ${child.status}`).trim().slice(0, 500) };
  return JSON.parse(line.slice('ALLOC_JSON '.length)) as { n: number; results: AllocResult[] };
}

// ---------------------------------------------------------------------------------------------
// main

async function main(browser: boolean): Promise<void> {
  const started = performance.now();
  const opts: TimingOptions = {
    rounds: env('BENCH_ROUNDS', 31),
    minRounds: 9,
    budgetMs: env('BENCH_SCENARIO_BUDGET_MS', 10_000),
    sampleMs: env('BENCH_SAMPLE_MS', 10),
    warmupMs: env('BENCH_WARMUP_MS', 150),
    seed: 0x5eed,
  };

  const loaded = await loadCore();
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  let results: ScenarioResult[];
  let runtime: string;
  let header: string;
  let alloc: AllocReport | undefined;
  if (browser) {
    const { runInChromium, runInChromiumWithoutCdp } = await import('./browser/run.js'); // Playwright and esbuild only when asked
    const noCdp = process.argv.includes('--no-cdp');
    const run = await (noCdp ? runInChromiumWithoutCdp : runInChromium)(loaded.entry, opts, (m) => process.stderr.write(`${m}\n`));
    results = run.results;
    runtime = noCdp ? 'Chromium, no DevTools protocol' : 'Chromium';
    header =
      `Chromium ${run.version} (headless) on ${cpu} (${os.cpus().length} CPUs), ${date}. Bundled by esbuild ${run.esbuild} (ES2022, not minified; ` +
      `opossum's \`events\` from the \`events\` polyfill), ${noCdp ? 'driven by no DevTools protocol (a plain Chromium process running the page by itself: an attached inspector makes every `new Error()` capture a detailed stack), ' : 'driven by Playwright over CDP, '}page ${run.isolated ? 'cross-origin isolated (performance.now() at 5 µs)' : 'NOT cross-origin isolated (performance.now() coarsened to 100 µs)'}.`;
  } else {
    useCore(loaded.core);
    results = [];
    for (const s of SCENARIOS) {
      process.stderr.write(`timing ${s.title} …\n`);
      results.push(await runScenario(s, opts));
    }
    process.stderr.write('measuring allocation (child process) …\n');
    alloc = runAllocChild();
    runtime = `Node ${process.versions.node.split('.')[0]}`;
    header = `Node ${process.version} on ${cpu} (${os.cpus().length} CPUs), ${date}.`;
  }

  const roundsRun = [...new Set(results.map((r) => r.timings[0]!.samples.length))].join('/');
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  header +=
    ` ${roundsRun} interleaved rounds × ~${opts.sampleMs} ms samples per contender; sequential awaited calls; ` +
    `fake transport resolves a pre-built body-less Response. Engine: ${loaded.from}.`;
  const md: string[] = [`# resilient-fetch core benchmark (${runtime})`, '', header, ''];
  if (os.loadavg()[0]! > os.cpus().length - 0.5) {
    md.push(`> Load average at the end of the run was ${load} on ${os.cpus().length} CPUs (a shared machine): absolute times are inflated; ratios, taken in the same interleaved rounds, hold up better.`, '');
  }
  const timing = timingTables(results, runtime);
  md.push(...timing.md);
  const targets = timing.targets;
  if (alloc !== undefined) {
    const a = allocationTable(alloc, runtime);
    md.push(...a.md);
    targets.push(...a.targets);
  }
  md.push(...targetTable(targets), ...SETUP);
  md.push(`Whole run: ${((performance.now() - started) / 1000).toFixed(1)} s; load average at the end ${load}.`, '');

  process.stdout.write(['', ...md.filter((l) => !l.startsWith('# ')), ''].join('\n'));
  const major = process.versions.node.split('.')[0];
  const file = browser ? (process.argv.includes('--no-cdp') ? 'core-chromium-nocdp.md' : 'core-chromium.md') : major === '20' ? 'core.md' : `core-node${major}.md`;
  mkdirSync(join(HERE, 'results'), { recursive: true });
  writeFileSync(join(HERE, 'results', file), md.join('\n'));
  process.stdout.write(`wrote ${join('bench', 'results', file)}\n`);
}

if (process.argv.includes('--alloc')) {
  await allocMain();
} else {
  await main(process.argv.includes('--browser'));
}
