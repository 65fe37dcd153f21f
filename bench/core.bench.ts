/**
 * `npm run bench:core` — the engine against cockatiel 4 and opossum 10, side by side in one run,
 * on the same in-memory fake transport (a pre-built body-less Response, resolved at once).
 *
 *   1. success path, full pipeline      ours (defaults) | cockatiel wrap(...) | opossum | bare
 *   2. closed breaker alone              ours (cheapest with a breaker) | cockatiel | opossum | bare
 *   3. open-breaker rejection            ours (503 / throwOnReject) | cockatiel | opossum
 *   4. bytes allocated per call          (child process with --expose-gc, see lib/alloc.ts)
 *
 * Timing: own harness (lib/harness.ts), no dependency. Prints PASS/MISS per target from the
 * issue but always exits 0. Writes the same tables as Markdown to bench/results/core.md.
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
import {
  bare,
  cockatielBreakerOnly,
  cockatielOpen,
  cockatielPipeline,
  oursBreakerOnly,
  oursOpen,
  oursPipeline,
  opossumBreakerOnly,
  opossumOpen,
  opossumPipeline,
  useCore,
  type Contender,
} from './lib/contenders.js';
import { median, pairedMedianDiff, quantile, timeInterleaved, type Timing } from './lib/harness.js';

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
  const open = await oursOpen();
  const contenders: Contender[] = [
    bare(),
    oursPipeline(),
    oursBreakerOnly(),
    cockatielPipeline(),
    opossumPipeline(),
    open.synthetic,
    open.thrown,
    await cockatielOpen(),
    opossumOpen(),
  ];
  const results: AllocResult[] = [];
  for (const c of contenders) results.push(await measureAllocation(c, n, 7, 5_000));
  for (const c of contenders) c.dispose?.();
  process.stdout.write(`ALLOC_JSON ${JSON.stringify({ n, results })}\n`);
}

function runAllocChild(): { n: number; results: AllocResult[] } | { error: string } {
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

interface Scenario {
  id: string;
  title: string;
  contenders: Contender[];
  /** Name of the row the ratios are taken against. */
  ours: string[];
}

const fmt = (us: number) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
const fmtX = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)}×`;
const fmtB = (b: number) => (Number.isFinite(b) ? `${Math.round(b).toLocaleString('en-US')} B` : 'n/a');

async function main(): Promise<void> {
  const started = performance.now();
  const opts = {
    rounds: env('BENCH_ROUNDS', 31),
    minRounds: 9,
    budgetMs: env('BENCH_SCENARIO_BUDGET_MS', 10_000),
    sampleMs: env('BENCH_SAMPLE_MS', 10),
    warmupMs: env('BENCH_WARMUP_MS', 150),
    seed: 0x5eed,
  };

  const loaded = await loadCore();
  useCore(loaded.core);
  const open = await oursOpen();
  const scenarios: Scenario[] = [
    {
      id: 'success',
      title: '1. Success path, full pipeline',
      contenders: [bare(), oursPipeline(), cockatielPipeline(), opossumPipeline()],
      ours: ['ours: createResilientFetch (defaults)'],
    },
    {
      id: 'closed',
      title: '2. Closed breaker alone',
      contenders: [bare(), oursBreakerOnly(), cockatielBreakerOnly(), opossumBreakerOnly()],
      ours: ['ours: breaker only (no retry/timer)'],
    },
    {
      id: 'open',
      title: '3. Open-breaker rejection',
      contenders: [open.synthetic, open.thrown, await cockatielOpen(), opossumOpen()],
      ours: ['ours: open → synthetic 503', 'ours: open → throwOnReject'],
    },
  ];

  const results = new Map<string, Timing[]>();
  for (const s of scenarios) {
    process.stderr.write(`timing ${s.title} …\n`);
    results.set(s.id, await timeInterleaved(s.contenders, opts));
    for (const c of s.contenders) c.dispose?.();
  }
  process.stderr.write('measuring allocation (child process) …\n');
  const alloc = runAllocChild();

  // ---- tables ----
  const roundsRun = [...new Set([...results.values()].map((t) => t[0]!.samples.length))].join('/');
  const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
  const md: string[] = [];
  const out: string[] = [];
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const header =
    `Node ${process.version} on ${cpu} (${os.cpus().length} CPUs), ${new Date().toISOString().slice(0, 10)}. ` +
    `${roundsRun} interleaved rounds × ~${opts.sampleMs} ms samples per contender; sequential awaited calls; ` +
    `fake transport resolves a pre-built body-less Response. Engine: ${loaded.from}.`;
  md.push('# resilient-fetch core benchmark', '', header, '');
  if (os.loadavg()[0]! > os.cpus().length - 0.5) {
    md.push(`> Load average at the end of the run was ${load} on ${os.cpus().length} CPUs: absolute times are inflated; ratios, taken in the same interleaved rounds, hold up better.`, '');
  }

  const targets: { name: string; measured: string; pass: boolean }[] = [];
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

  md.push('## Time per call (µs, median of rounds; IQR = 25th–75th percentile of wall time; CPU = process CPU time per call, median)', '');
  for (const s of scenarios) {
    const timings = results.get(s.id)!;
    const byName = new Map(timings.map((t) => [t.contender.name, t]));
    const oursRows = s.ours.map((n) => byName.get(n)!);
    const primary = oursRows[0]!;
    const cols = ['contender', 'median µs/op', 'IQR µs', 'CPU µs/op', ...oursRows.map((o) => (s.ours.length > 1 ? `vs ${o.contender.name.replace(/^ours: /, 'ours ')}` : 'vs ours'))];
    md.push(`### ${s.title}`, '', row(cols), row(cols.map((_, i) => (i === 0 ? '---' : '---:'))));
    for (const t of timings) {
      const m = median(t.samples);
      const iqr = `${fmt(quantile(t.samples, 0.25))}–${fmt(quantile(t.samples, 0.75))}`;
      const rel = oursRows.map((o) => {
        if (o === t) return '—';
        if (t.contender.kind === 'bare') return `ours − bare = ${fmt(pairedMedianDiff(o.samples, t.samples))} µs`;
        if (t.contender.kind === 'ours') return `${fmtX(m / median(o.samples))}`;
        return `${t.contender.kind}/ours = ${fmtX(m / median(o.samples))}`;
      });
      md.push(row([t.contender.name, fmt(m), iqr, fmt(median(t.cpuSamples)), ...rel]));
    }
    md.push('');

    const peer = (kind: string) => timings.find((t) => t.contender.kind === kind)!;
    if (s.id === 'success') {
      const ratio = median(peer('cockatiel').samples) / median(primary.samples);
      targets.push({ name: 'success path ≥ 10× faster than cockatiel pipeline', measured: fmtX(ratio), pass: ratio >= 10 });
      const overhead = pairedMedianDiff(primary.samples, peer('bare').samples);
      targets.push({ name: 'success path overhead over bare < 2 µs', measured: `${fmt(overhead)} µs`, pass: overhead < 2 });
    }
    if (s.id === 'open') {
      for (const o of oursRows) {
        const fastestPeer = Math.min(median(peer('cockatiel').samples), median(peer('opossum').samples));
        const ratio = fastestPeer / median(o.samples);
        targets.push({
          name: `open rejection ≥ 5× faster than either peer (${o.contender.name.replace(/^ours: open → /, '')})`,
          measured: `${fmtX(ratio)} (vs faster peer)`,
          pass: ratio >= 5,
        });
      }
    }
  }

  md.push('## Bytes allocated per call (JS heap)', '');
  if ('error' in alloc) {
    md.push(`Allocation measurement failed: \`${alloc.error}\``, '');
    targets.push({ name: 'success path allocates < 1 KB per call', measured: 'n/a', pass: false });
  } else {
    const bareBytes = alloc.results.find((r) => r.kind === 'bare')!.bytesPerOp;
    md.push(row(['contender', 'bytes/call', 'net of bare', 'samples (discarded)']), row(['---', '---:', '---:', '---:']));
    for (const r of alloc.results) {
      md.push(row([r.name, fmtB(r.bytesPerOp), r.kind === 'bare' ? '—' : fmtB(r.bytesPerOp - bareBytes), `${r.samples} (${r.discarded})`]));
    }
    md.push(
      '',
      `Method: in a child process with \`--expose-gc --min-semi-space-size=64 --max-semi-space-size=64\`, after warm-up: ` +
        `\`gc()\`, read \`v8.getHeapStatistics().used_heap_size\`, run ${alloc.n} awaited calls, read it again. ` +
        'With no GC in between (checked with a `gc` PerformanceObserver; samples with a GC are retaken) the growth is ' +
        'exactly what the calls allocated on the JS heap, garbage included. Median of 7 samples. "net of bare" subtracts ' +
        'the harness loop and the fake transport.',
      '',
    );
    const ours = alloc.results.find((r) => r.name === 'ours: createResilientFetch (defaults)')!;
    const net = ours.bytesPerOp - bareBytes;
    targets.push({ name: 'success path allocates < 1 KB per call (net of bare)', measured: `${fmtB(net)} (${fmtB(ours.bytesPerOp)} gross)`, pass: net < 1024 });
  }

  md.push('## Targets', '', row(['target', 'measured', '']), row(['---', '---:', ':---:']));
  for (const t of targets) md.push(row([t.name, t.measured, t.pass ? 'PASS' : 'MISS']));
  md.push(
    '',
    '## Setup',
    '',
    '- **ours**: `createResilientFetch({ fetch })` with the default policy (breaker, bulkhead 6/64, 10 s attempt timeout, 2 budgeted retries), no tracer, no cache. ' +
      'Breaker-only: `timeoutMs: Infinity, deadlineMs: Infinity, retry.maxRetries: 0, fallback: "none"` (no attempt timer, no retry planning). ' +
      'Open: failing calls until `snapshot()` shows the breaker open.',
    '- **cockatiel 4.0.0**: per-origin `Map` of `wrap(retry, circuitBreaker, bulkhead(6, 64), timeout(10 s, Cooperative))`, the signal handed to fetch; ' +
      'retry handles thrown errors (not its own rejections) and retryable statuses, `ExponentialBackoff`, 2 attempts; `SamplingBreaker` 50 % over 10 s counting errors and failure statuses. ' +
      'Open: failures fed to the breaker until its state is Open; the call throws `BrokenCircuitError`, caught.',
    '- **opossum 10.0.0**: per-origin `Map` of `new CircuitBreaker(action, { timeout: 10 s, errorThresholdPercentage: 50, volumeThreshold: 10, capacity: 6, ... })`, `breaker.fire(url)`; ' +
      'the action throws on a failure status. Breaker-only: `timeout: false`, no capacity. Open: `breaker.open()`; the call rejects with `EOPENBREAKER`, caught.',
    '- Peers find their origin with a cheap string slice (users often write `new URL(url).origin`, about 1 µs more).',
    '- Calls are sequential (one in flight), so every call completes in microtasks; timers never fire inside a sample.',
    '',
  );

  const elapsed = (performance.now() - started) / 1000;
  md.push(`Whole run: ${elapsed.toFixed(1)} s; load average at the end ${load}.`, '');

  // ---- console ----
  out.push('', ...md.filter((l) => !l.startsWith('# ')), '');
  process.stdout.write(out.join('\n'));
  const resultsDir = join(HERE, 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'core.md'), md.join('\n'));
  process.stdout.write(`wrote ${join('bench', 'results', 'core.md')}\n`);
}

if (process.argv.includes('--alloc')) {
  await allocMain();
} else {
  await main();
}
