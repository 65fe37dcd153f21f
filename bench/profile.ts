/**
 * `npm run bench:profile` — where one contender's time and bytes go, per call.
 *
 * A focused loop of sequential awaited calls (the bench:core harness's shape) on the same plain-JS
 * engine build and fake transport, profiled in-process through the inspector:
 *   - CPU: V8's sampling profiler at a 25 µs interval; self time per function (sum of the sample
 *     time deltas), inclusive time for the engine's functions, and shares of GC and runtime.
 *     The raw profile is kept for Chrome DevTools (bench/results/profile-<name>.cpuprofile).
 *   - Bytes: V8's sampling heap profiler with objects collected by minor and major GC included,
 *     so garbage counts too (what bench/lib/alloc.ts measures in total), split by allocation site.
 * Samples are estimates: read µs to ±10 % and bytes to ±15 % (compare the heap total with
 * bench:core's allocation row, which is exact).
 *
 * Usage: `npm run bench:profile -- [pipeline|breaker|open503|openThrow|cockatiel|opossum]`
 * (default pipeline). Knobs: PROFILE_MS (3000), PROFILE_HEAP_CALLS (20000), PROFILE_TOP (22).
 * Under Node 22: `npx -y -p node@22 node --import tsx bench/profile.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { bare, cockatielPipeline, oursBreakerOnly, oursOpen, oursPipeline, opossumPipeline, useCore, type Contender } from './lib/contenders.js';
import { loadCore } from './lib/load-core.js';
import { heapSites, selfAndTotal, type CpuProfile, type HeapProfile } from './lib/profile-analysis.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function pick(name: string): Promise<Contender> {
  switch (name) {
    case 'pipeline':
      return oursPipeline();
    case 'breaker':
      return oursBreakerOnly();
    case 'open503':
      return (await oursOpen()).synthetic;
    case 'openThrow':
      return (await oursOpen()).thrown;
    case 'cockatiel':
      return cockatielPipeline();
    case 'opossum':
      return opossumPipeline();
    case 'bare':
      return bare();
    default:
      throw new TypeError(`bench:profile: unknown contender ${JSON.stringify(name)}`);
  }
}

async function loopFor(c: Contender, ms: number): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < ms) {
    for (let i = 0; i < 1000; i++) await c.op();
    calls += 1000;
    // Yield to the event loop as bench:core's harness does between samples: without it, Node 20
    // never runs the cleanup of the AbortSignals it tracks weakly, and GC time triples.
    if (process.env.PROFILE_NO_YIELD !== '1') await new Promise((resolve) => setImmediate(resolve));
  }
  return { calls, ms: performance.now() - started };
}

/** An unprofiled run: µs per call, and the share of it V8 spent in GC (from `gc` performance entries). */
async function plainRun(c: Contender, ms: number): Promise<{ usPerCall: number; cpuUsPerCall: number; gcShare: number; gcs: number }> {
  let gcMs = 0;
  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcs++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const cpu = process.cpuUsage();
  const run = await loopFor(c, ms);
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 10)); // deliver the last entries
  observer.disconnect();
  return { usPerCall: (run.ms * 1000) / run.calls, cpuUsPerCall: (used.user + used.system) / run.calls, gcShare: gcMs / run.ms, gcs: gcs / run.calls };
}

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'pipeline';
  const loaded = await loadCore();
  useCore(loaded.core);
  const c = await pick(name);
  await c.verify();
  await loopFor(c, 500); // warm-up: optimized code before we sample
  const plain = await plainRun(c, 1500);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 25 });
  await session.post('Profiler.start');
  const run = await loopFor(c, env('PROFILE_MS', 3000));
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  await session.post('Profiler.disable');

  const heapCalls = env('PROFILE_HEAP_CALLS', 20_000);
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  for (let i = 0; i < heapCalls; i++) await c.op();
  const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: HeapProfile };
  await session.post('HeapProfiler.disable');
  session.disconnect();
  c.dispose?.();

  const top = env('PROFILE_TOP', 22);
  const usPerCall = (run.ms * 1000) / run.calls;
  const cpu = selfAndTotal(profile);
  const sampledUs = cpu.totalUs;
  const perCall = (us: number) => (us / sampledUs) * plain.cpuUsPerCall;
  const md: string[] = [
    `# Profile: ${c.name}`,
    '',
    `Node ${process.version}; engine: ${loaded.from}. ${run.calls.toLocaleString('en-US')} sequential awaited calls in ${(run.ms / 1000).toFixed(1)} s = ` +
      `${usPerCall.toFixed(2)} µs per call under the profiler; ${plain.usPerCall.toFixed(2)} µs wall and **${plain.cpuUsPerCall.toFixed(2)} µs of CPU per call without it** (CPU time is the steadier figure on a loaded machine), of which GC ` +
      `${(plain.gcShare * 100).toFixed(0)} % (\`gc\` performance entries; one scavenge every ${Math.round(1 / plain.gcs)} calls). ` +
      `Shared machine: absolute figures are inflated; shares hold better. ` +
      `CPU profile: 25 µs sampling; "µs/call" = the frame's share of sampled time × the unprofiled CPU µs per call (the profiler slows every frame).`,
    '',
    '## Self time, top frames',
    '',
    '| frame | where | share | µs/call |',
    '| --- | --- | ---: | ---: |',
    ...cpu.self.slice(0, top).map((f) => `| ${f.name} | ${f.where} | ${((f.us / sampledUs) * 100).toFixed(1)} % | ${perCall(f.us).toFixed(3)} |`),
    '',
    '## By area (self time)',
    '',
    '| area | share | µs/call |',
    '| --- | ---: | ---: |',
    ...cpu.areas.map((a) => `| ${a.name} | ${((a.us / sampledUs) * 100).toFixed(1)} % | ${perCall(a.us).toFixed(3)} |`),
    '',
    '## Inclusive time, engine frames',
    '',
    '| frame | where | share | µs/call |',
    '| --- | --- | ---: | ---: |',
    ...cpu.total
      .filter((f) => f.area === 'engine')
      .slice(0, top)
      .map((f) => `| ${f.name} | ${f.where} | ${((f.us / sampledUs) * 100).toFixed(1)} % | ${perCall(f.us).toFixed(3)} |`),
    '',
  ];
  const sites = heapSites(heap);
  md.push(
    `## Bytes by allocation site (sampling heap profiler, 64 B interval, garbage included; ${heapCalls.toLocaleString('en-US')} calls)`,
    '',
    `Total ≈ **${Math.round(sites.totalBytes / heapCalls).toLocaleString('en-US')} B per call**.`,
    '',
    '| allocated in | where | B/call | share |',
    '| --- | --- | ---: | ---: |',
    ...sites.sites.slice(0, top).map((s) => `| ${s.name} | ${s.where} | ${Math.round(s.bytes / heapCalls)} | ${((s.bytes / sites.totalBytes) * 100).toFixed(1)} % |`),
    '',
  );
  process.stdout.write(`${md.join('\n')}\n`);
  const out = join(HERE, 'results');
  mkdirSync(out, { recursive: true });
  const major = process.versions.node.split('.')[0];
  writeFileSync(join(out, `profile-${name}-node${major}.md`), md.join('\n'));
  writeFileSync(join(out, `profile-${name}-node${major}.cpuprofile`), JSON.stringify(profile));
  process.stdout.write(`wrote bench/results/profile-${name}-node${major}.{md,cpuprofile}\n`);
}

await main();
