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
 * Usage: `npm run bench:profile -- [pipeline|breaker|open503|openThrow|cockatiel|opossum|bare] [--browser]`
 * (default pipeline). `--browser` profiles the same loop in headless Chromium over CDP (the page
 * bundle of bench:core --browser); there the per-call figure is wall time without the profiler. Knobs: PROFILE_MS (3000), PROFILE_HEAP_CALLS (20000), PROFILE_TOP (22).
 * Under Node 22: `npx -y -p node@22 node --import tsx bench/profile.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { contenderByName, useCore, type Contender } from './lib/contenders.js';
import { loopFor } from './lib/harness.js';
import { loadCore } from './lib/load-core.js';
import { heapSites, profileTarget, selfAndTotal, type CpuProfile, type Frame, type ProfileTarget as Target } from './lib/profile-analysis.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** PROFILE_NO_YIELD=1 profiles the loop without the event-loop yield between batches (see loopFor). */
const yieldBetween = process.env.PROFILE_NO_YIELD !== '1';
const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

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
  const run = await loopFor(c.op, ms, yieldBetween);
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 10)); // deliver the last entries
  observer.disconnect();
  return { usPerCall: (run.ms * 1000) / run.calls, cpuUsPerCall: (used.user + used.system) / run.calls, gcShare: gcMs / run.ms, gcs: gcs / run.calls };
}

async function nodeTarget(c: Contender): Promise<{ target: Target; close(): void }> {
  await c.verify();
  await loopFor(c.op, 500, yieldBetween); // warm-up: optimized code before we sample
  const plain = await plainRun(c, 1500);
  const session = new Session();
  session.connect();
  return {
    target: {
      runtime: `Node ${process.version}`,
      post: (method, params) => session.post(method as 'Profiler.enable', params as undefined),
      loop: (ms) => loopFor(c.op, ms, yieldBetween),
      calls: async (n) => {
        for (let i = 0; i < n; i++) await c.op();
      },
      baseline: {
        usPerCall: plain.cpuUsPerCall,
        what:
          `${plain.usPerCall.toFixed(2)} µs wall and **${plain.cpuUsPerCall.toFixed(2)} µs of CPU per call without the profiler** (CPU time is the steadier figure on a loaded machine), of which GC ` +
          `${(plain.gcShare * 100).toFixed(0)} % (\`gc\` performance entries; one scavenge every ${Math.round(1 / plain.gcs)} calls)`,
      },
    },
    close: () => {
      session.disconnect();
      c.dispose?.();
    },
  };
}

function render(name: string, label: string, from: string, t: Target, r: Awaited<ReturnType<typeof profileTarget>>): string[] {
  const top = env('PROFILE_TOP', 22);
  const cpu = selfAndTotal(r.profile);
  const share = (us: number) => `${((us / cpu.totalUs) * 100).toFixed(1)} %`;
  const perCall = (us: number) => ((us / cpu.totalUs) * t.baseline.usPerCall).toFixed(3);
  const frames = (fs: Frame[]) => fs.slice(0, top).map((f) => `| ${f.name} | ${f.where} | ${share(f.us)} | ${perCall(f.us)} |`);
  const sites = heapSites(r.heap);
  return [
    `# Profile: ${label} (${t.runtime})`,
    '',
    `${t.runtime}; engine: ${from}. ${r.run.calls.toLocaleString('en-US')} sequential awaited calls in ${(r.run.ms / 1000).toFixed(1)} s under the profiler ` +
      `(${((r.run.ms * 1000) / r.run.calls).toFixed(2)} µs per call); ${t.baseline.what}. ` +
      'Shared machine (~9 agents on 2 cores): absolute figures are inflated; shares hold better. ' +
      'CPU profile: 25 µs sampling; "µs/call" = the frame\'s share of sampled time × the unprofiled µs per call (the profiler slows every frame).',
    '',
    '## Self time, top frames',
    '',
    '| frame | where | share | µs/call |',
    '| --- | --- | ---: | ---: |',
    ...frames(cpu.self),
    '',
    '## By area (self time)',
    '',
    '| area | share | µs/call |',
    '| --- | ---: | ---: |',
    ...cpu.areas.map((a) => `| ${a.name} | ${share(a.us)} | ${perCall(a.us)} |`),
    '',
    '## Inclusive time, engine frames',
    '',
    '| frame | where | share | µs/call |',
    '| --- | --- | ---: | ---: |',
    ...frames(cpu.total.filter((f) => f.area === 'engine')),
    '',
    `## Bytes by allocation site (sampling heap profiler, 64 B interval, garbage included; ${r.heapCalls.toLocaleString('en-US')} calls)`,
    '',
    `Total ≈ **${Math.round(sites.totalBytes / r.heapCalls).toLocaleString('en-US')} B per call**${name === 'pipeline' ? ' (compare the exact figure in bench:core)' : ''}.`,
    '',
    '| allocated in | where | B/call | share |',
    '| --- | --- | ---: | ---: |',
    ...sites.sites.slice(0, top).map((s) => `| ${s.name} | ${s.where} | ${Math.round(s.bytes / r.heapCalls)} | ${((s.bytes / sites.totalBytes) * 100).toFixed(1)} % |`),
    '',
  ];
}

async function main(): Promise<void> {
  const name = process.argv.slice(2).find((a) => !a.startsWith('-')) ?? 'pipeline';
  const browser = process.argv.includes('--browser');
  const loaded = await loadCore();
  useCore(loaded.core);
  let md: string[];
  let raw: CpuProfile;
  if (browser) {
    const { profileInChromium } = await import('./browser/profile.js');
    const out = await profileInChromium(loaded.entry, name, profileTarget);
    md = render(name, out.label, loaded.from, out.target, out.result);
    raw = out.result.profile;
  } else {
    const c = await contenderByName(name);
    const { target, close } = await nodeTarget(c);
    const result = await profileTarget(target);
    close();
    md = render(name, c.name, loaded.from, target, result);
    raw = result.profile;
  }
  process.stdout.write(`${md.join('\n')}\n`);
  const out = join(HERE, 'results');
  mkdirSync(out, { recursive: true });
  const file = `profile-${name}-${browser ? 'chromium' : `node${process.versions.node.split('.')[0]}`}`;
  writeFileSync(join(out, `${file}.md`), md.join('\n'));
  writeFileSync(join(out, `${file}.cpuprofile`), JSON.stringify(raw));
  process.stdout.write(`wrote bench/results/${file}.{md,cpuprofile}\n`);
}

await main();
