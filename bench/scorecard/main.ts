/**
 * `npm run bench:scorecard [-- --quick] [--seed=N] [--clients=fetch,ours]`
 *
 * Six clients live, one after another and each in a fresh Chromium context, through the same
 * seeded scenario against one upstream on 127.0.0.1 (healthy → 50% 503 → slow → hung → outage →
 * 429 storm → healthy, 20 calls/s). Writes a Markdown table, one SVG per phase and the raw JSON
 * under bench/results/scorecard/ (bench/results/scorecard-quick/ with --quick).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import playwrightConfig from '../../playwright.config.js';
import { buildScorecardApp } from './build.js';
import { phaseChart } from './charts.js';
import { harnessChecks } from './checks.js';
import { duration, pct, ratio } from './format.js';
import { measure } from './measures.js';
import { headlineTable, markdownReport, type Scored } from './report.js';
import { CLIENT_NAMES, runClient, type ClientName, type ClientRun } from './run-client.js';
import { CALLS_PER_SECOND, phases, schedule } from './scenario.js';
import { startScorecardUpstream } from './upstream.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]): { quick: boolean; seed: number; clients: ClientName[] } {
  let quick = false;
  let seed = 15;
  let clients: ClientName[] = [...CLIENT_NAMES];
  for (const arg of argv) {
    if (arg === '--quick') quick = true;
    else if (arg.startsWith('--seed=')) seed = Number(arg.slice(7));
    else if (arg.startsWith('--clients=')) clients = arg.slice(10).split(',') as ClientName[];
    else throw new TypeError(`unknown argument ${arg}; use --quick, --seed=N, --clients=${CLIENT_NAMES.join(',')}`);
  }
  if (!Number.isInteger(seed)) throw new TypeError(`--seed must be an integer, got ${seed}`);
  const unknown = clients.filter((c) => !CLIENT_NAMES.includes(c));
  if (unknown.length) throw new TypeError(`--clients: unknown ${unknown.join(', ')}; known: ${CLIENT_NAMES.join(', ')}`);
  return { quick, seed, clients };
}

function summaryLine(run: ClientRun, s: Scored): string {
  const m = s.measures;
  return (
    `${run.client.padEnd(9)} ${(run.wallMs / 1000).toFixed(0)} s: useful ${pct(m.usefulWholeRun)}, amplification ${ratio(m.amplificationInFailure)}, ` +
    `outage p99 ${duration(m.outageP99Ms)}, fresh after heal ${duration(m.firstFreshAfterHealMs)} (of ${duration(m.recoveryPhaseMs)}), errors on page ${run.errors.length}`
  );
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const scale = args.quick ? 0.25 : 1;
  const phaseList = phases(scale);
  const calls = schedule(phaseList, args.seed);
  const outDir = path.join(HERE, '..', 'results', args.quick ? 'scorecard-quick' : 'scorecard');
  const started = Date.now();
  const buildDir = mkdtempSync(path.join(os.tmpdir(), 'rf-scorecard-'));
  const log = (m: string) => console.log(`[scorecard ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}`);

  await buildScorecardApp(buildDir);
  log(`built the page and workers; ${calls.length} calls per client over ${phaseList.at(-1)!.endMs / 1000} s (seed ${args.seed}${args.quick ? ', --quick' : ''})`);
  const upstream = await startScorecardUpstream(buildDir);
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium' });
  const runs: ClientRun[] = [];
  const scored: Scored[] = [];
  try {
    for (const client of args.clients) {
      const run = await runClient(browser, upstream, client, { phases: phaseList, calls, seed: args.seed });
      const s: Scored = { client, measures: measure(phaseList, run.calls, run.received) };
      runs.push(run);
      scored.push(s);
      log(summaryLine(run, s));
      for (const e of run.errors.slice(0, 3)) log(`  ${client} page: ${e}`);
    }
  } finally {
    await browser.close();
    await upstream.close();
    rmSync(buildDir, { recursive: true, force: true });
  }

  const checks = harnessChecks(scored);
  const method =
    `Chromium ${browser.version()}, one upstream on 127.0.0.1 serving the page and the API (same origin: no preflights). ` +
    `${CALLS_PER_SECOND} calls/s on one seeded schedule (seed ${args.seed}): 70% GETs over 20 URLs, 15% POSTs with an Idempotency-Key, 15% plain POSTs. ` +
    `Phases: ${phaseList.map((p) => `${p.label} ${((p.endMs - p.startMs) / 1000).toFixed(1)} s`).join(' → ')}${args.quick ? ' (--quick: 1/4 length, breaker and retry timings not scaled)' : ''}. ` +
    `Each client in a fresh browser context, one after another. Total ${((Date.now() - started) / 1000).toFixed(0)} s.`;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'scorecard.md'), markdownReport({ title: 'Scorecard (issue 15)', method, scored, checks, phases: phaseList }));
  writeFileSync(path.join(outDir, 'scorecard.json'), JSON.stringify({ method, seed: args.seed, quick: args.quick, phases: phaseList, checks, scored, runs }, null, 1));
  for (const p of phaseList) writeFileSync(path.join(outDir, `phase-${p.name}.svg`), phaseChart(p, scored));

  console.log(`\n${headlineTable(scored)}\n`);
  for (const c of checks) console.log(`${c.pass ? 'PASS' : 'FAIL'} ${c.what}: ${c.measured}`);
  log(`wrote ${path.relative(process.cwd(), outDir)}/ (scorecard.md, scorecard.json, phase-*.svg)`);
  if (checks.some((c) => !c.pass && !c.what.startsWith('(goal'))) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
