/**
 * `npm run bench:sw` — what the service worker costs a request, as the page sees it.
 *
 * One Chromium (the Playwright config's launch options), one production build of bench/app
 * served by startStaticServer, a healthy local chaos upstream (small JSON echo, keep-alive).
 * Every variant gets its own browser context, so its own registration, IndexedDB and sockets:
 *
 *   1. no worker                 plain fetch from the page
 *   2. bare pass-through worker  fetch → respondWith(fetch(e.request))
 *   3. ours (cache on)           installResilience, default policy, via resilientFetch
 *   3′ ours (replica)            identical to 3 in another context: the noise floor
 *   4. ours + tracing            3 plus setupWorkerTracing exporting to a local OTLP receiver
 *   5. ours, cache off           3 with `cache: false`
 *   6. stale serve, breaker open its own upstream, primed, then in outage with the breaker open
 *
 * Ours is registered as one classic script (`/sw.classic.js`; with tracing its own script, as an
 * app that traces ships it), the build that starts fastest (see OURS in sw/session.ts).
 *
 * Each request is timed in the page: performance.now() around fetch/resilientFetch and reading
 * the body, one request in flight at a time. Variants are interleaved: every round takes one
 * batch from each variant in a freshly shuffled order, so machine noise lands on all alike.
 * Warm-up batches are interleaved the same way and thrown away.
 *
 * Then cold starts (sw/cold-start.ts): BENCH_SW_COLD_ROUNDS rounds, each stopping the worker of
 * every cold entry (CDP ServiceWorker.stopAllWorkers, interleaved in shuffled order) and timing
 * the one request that starts it again: the bare worker, ours (cache on and off, with tracing,
 * and as a module script, `/sw.js`), and ours with the breaker OPEN, whose first call must be rejected locally (served stale, upstream untouched),
 * which shows the breaker state is restored before the call is judged; and the floor for that
 * guarantee: the bare worker reading one IndexedDB transaction before it answers.
 *
 * Prints a Markdown table and the targets with PASS/MISS (always exits 0 on a MISS) and writes
 * them to bench/results/sw.md. Knobs: BENCH_SW_WARMUP (300), BENCH_SW_N (2000),
 * BENCH_SW_BATCH (25), BENCH_SW_COLD_ROUNDS (60), BENCH_SW_BUDGET_S (170, whole run including
 * the build), BENCH_SW_EXP (A/B flags, see experimentEntries), BENCH_SW_JS_FLAGS (V8 flags
 * passed to Chromium as --js-flags, for diagnostic runs).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from '@playwright/test';
import type { LiveConfig } from '../src/index.js';
import { coldReport, measureColdStarts, type ColdEntry } from './sw/cold-start.js';
import { BARE, interleave, OURS, OURS_MODULE, OURS_TRACED, registerOurs, registerPlain, runBatch as run, sleep, startSession, withQuery, type Session, type Timed } from './sw/session.js';
import { bootstrapMedianDiff, mulberry32, summarize, type Summary } from './sw/stats.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const T0 = performance.now();
const LOAD_AT_START = os.loadavg()[0] ?? Number.NaN;
const env = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
};
const WARMUP = env('BENCH_SW_WARMUP', 300);
const MEASURED = env('BENCH_SW_N', 2000);
const BATCH = env('BENCH_SW_BATCH', 25);
/** 60: the cold p50s of 30 rounds moved by ±1 ms (±0.07× of the ratio) from run to run here. */
const COLD_ROUNDS = env('BENCH_SW_COLD_ROUNDS', 60);
const BUDGET_MS = env('BENCH_SW_BUDGET_S', 170) * 1000;
/** Time kept back from the budget for teardown and the report. */
const RESERVE_MS = 8_000;
/** Time kept back from the warm measurement for the cold-start rounds (about 0.4 s per round of six workers here, ×2 for a loaded machine). */
const COLD_RESERVE_MS = Math.min(60_000, COLD_ROUNDS * 800);
const SEED = 0x5eed5;

const elapsed = () => performance.now() - T0;
const log = (m: string) => process.stderr.write(`[bench:sw ${(elapsed() / 1000).toFixed(1)}s] ${m}\n`);

interface Variant extends Timed {
  key: string;
  /** The outcome key (see BatchResult.outcomes) every measured request must have. */
  expected: string;
  setup(page: Page): Promise<void>;
  context?: BrowserContext;
  bodyBytes: number;
  errors: string[];
  notes: string[];
}

type Env = Session;

/** Trips after a handful of failures and then stays OPEN for the whole run (no half-open probes). */
function fastTrip(origin: string): LiveConfig {
  return {
    policy: {
      origins: {
        [origin]: {
          retry: { maxRetries: 0 },
          breaker: { minimumCalls: 4, failureRateThreshold: 0.5, openMs: 600_000, maxOpenMs: 600_000 },
        },
      },
    },
  };
}

type VariantSpec = Pick<Variant, 'key' | 'label' | 'caller' | 'url' | 'expected' | 'setup'>;

function variant(spec: VariantSpec): Variant {
  return { ...spec, samples: [], warm: 0, outcomes: {}, bodyBytes: -1, errors: [], notes: [] };
}

function makeVariants(e: Env): Variant[] {
  const api = (p: string) => `${e.up.url}/api/bench/${p}`;
  const passThrough = '200 - -';
  const staleUrl = `${e.upStale.url}/api/bench/stale`;
  const staleNotes: string[] = [];
  const variants = [
    variant({ key: 'none', label: '1. no worker (page fetch)', caller: 'fetch', url: api('none'), expected: passThrough, setup: async () => {} }),
    variant({
      key: 'bare',
      label: '2. bare pass-through worker (page fetch)',
      caller: 'fetch',
      url: api('bare'),
      expected: passThrough,
      setup: (page) => registerPlain(page, BARE),
    }),
    variant({ key: 'ours', label: '3. ours, cache on (resilientFetch)', caller: 'resilientFetch', url: api('ours'), expected: passThrough, setup: (page) => registerOurs(page, OURS) }),
    variant({ key: 'replica', label: '3′. ours, cache on — replica of 3', caller: 'resilientFetch', url: api('replica'), expected: passThrough, setup: (page) => registerOurs(page, OURS) }),
    variant({
      key: 'traced',
      label: '4. ours + tracing (OTLP export)',
      caller: 'resilientFetch',
      url: api('traced'),
      expected: passThrough,
      setup: (page) => registerOurs(page, withQuery(OURS_TRACED, `otlp=${encodeURIComponent(e.receiver.tracesUrl)}`)),
    }),
    variant({ key: 'nocache', label: '5. ours, cache off', caller: 'resilientFetch', url: api('nocache'), expected: passThrough, setup: (page) => registerOurs(page, withQuery(OURS, 'nocache')) }),
    variant({
      key: 'stale',
      label: '6. stale serve, breaker OPEN',
      caller: 'resilientFetch',
      url: staleUrl,
      expected: '200 cache circuit-open',
      async setup(page) {
        await registerOurs(page, OURS, fastTrip(e.upStale.url));
        const primed = await run(page, 'resilientFetch', staleUrl, 1);
        if (primed.outcomes['200 - -'] !== 1) throw new Error(`priming failed: ${JSON.stringify(primed.outcomes)}`);
        // The cache write happens after the response (under waitUntil): wait until it landed.
        let puts = 0;
        for (let i = 0; i < 50 && puts < 1; i++) {
          puts = (await page.evaluate(() => window.swBench.cacheStats()))?.puts ?? 0;
          if (puts < 1) await sleep(100);
        }
        if (puts < 1) throw new Error('the primed response was never stored');
        e.upStale.setFaults({ outage: true });
        let state: string | undefined;
        let calls = 0;
        for (; calls < 20 && state !== 'open'; calls++) {
          await run(page, 'resilientFetch', staleUrl, 1);
          const origins = await page.evaluate(() => window.swBench.state());
          state = origins.find((o) => o.origin === e.upStale.url)?.breaker.state;
        }
        if (state !== 'open') throw new Error(`breaker did not open after ${calls} failing calls (state ${state})`);
        staleNotes.push(`primed with 1 GET (stored), upstream switched to outage, breaker OPEN after ${calls} failing calls`);
      },
    }),
  ];
  variants[variants.length - 1]!.notes = staleNotes;
  return variants;
}

/** The cold-start entries reuse the warm variants' pages (and so their workers and IndexedDB). */
function coldEntries(e: Env, variants: Variant[]): ColdEntry[] {
  const by = new Map(variants.map((v) => [v.key, v]));
  const entry = (key: string, label: string, expected: string, check?: () => string | undefined): ColdEntry => {
    const v = by.get(key)!;
    return { label, page: v.page!, context: v.context!, caller: v.caller, url: v.url, expected, samples: [], outcomes: {}, complaints: [], probes: [], ...(check ? { check } : {}) };
  };
  let staleCalls = e.upStale.stats().total;
  const untouched = () => {
    const now = e.upStale.stats().total;
    const sent = now - staleCalls;
    staleCalls = now;
    return sent === 0 ? undefined : `the upstream in outage received ${sent} request(s): the breaker was not OPEN when the call was judged`;
  };
  return [
    entry('bare', 'bare pass-through worker', '200 - -'),
    entry('ours', 'ours, cache on', '200 - -'),
    entry('nocache', 'ours, cache off', '200 - -'),
    entry('traced', 'ours + tracing', '200 - -'),
    entry('stale', 'ours, breaker OPEN (restored from IndexedDB)', '200 cache circuit-open', untouched),
  ];
}

/**
 * Our worker built as a module script (scripts/build-app.ts's `/sw.js`, chunks shared with the
 * page), cold starts only: warm, it runs the same code as the classic one. Its own page, warmed
 * with one batch (returned: those requests reach the healthy upstream too).
 */
async function moduleColdEntry(e: Env, errors: string[]): Promise<{ entry: ColdEntry; requests: number }> {
  const { context, page } = await e.newPage(errors);
  await registerOurs(page, OURS_MODULE);
  const url = `${e.up.url}/api/bench/module`;
  const warm = await run(page, 'resilientFetch', url, BATCH);
  if (warm.outcomes['200 - -'] !== BATCH) throw new Error(`module worker: expected "200 - -", got ${JSON.stringify(warm.outcomes)}`);
  const entry: ColdEntry = { label: 'ours, module worker (`/sw.js`)', page, context, caller: 'resilientFetch', url, expected: '200 - -', samples: [], outcomes: {}, complaints: [], probes: [] };
  return { entry, requests: BATCH };
}

/**
 * A/B entries for a change under test, cold starts only (BENCH_SW_EXP=a,b+c): ours with the cache
 * on, registered as `/sw.classic.js?exp=a` (`+` joins flags), so bench/app/sw.ts sets
 * `globalThis.__rfExp` to the flags and the code under test can branch on them for one run.
 * Interleaved with the others in the same run: the only trustworthy A/B on a shared machine.
 * An unknown flag makes a replica of the cache-on row (its noise).
 */
async function experimentEntries(e: Env, errors: string[]): Promise<{ entries: ColdEntry[]; requests: number }> {
  const names = (process.env.BENCH_SW_EXP ?? '').split(',').filter((n) => n !== '');
  const entries: ColdEntry[] = [];
  for (const name of names) {
    if (name.startsWith('open')) {
      entries.push(await openExperiment(e, errors, name));
      continue;
    }
    const { context, page } = await e.newPage(errors);
    await registerOurs(page, withQuery(OURS, `exp=${name.replaceAll('+', ',')}`));
    const url = `${e.up.url}/api/bench/exp-${name}`;
    const warm = await run(page, 'resilientFetch', url, BATCH);
    if (warm.outcomes['200 - -'] !== BATCH) throw new Error(`exp ${name}: expected "200 - -", got ${JSON.stringify(warm.outcomes)}`);
    entries.push({ label: `ours, cache on, exp ${name}`, page, context, caller: 'resilientFetch', url, expected: '200 - -', samples: [], outcomes: {}, complaints: [], probes: [] });
  }
  return { entries, requests: names.filter((n) => !n.startsWith('open')).length * BATCH }; // `open…` rows warm up on the stale upstream
}

/**
 * The floor for "state restored before the call is judged": the bare pass-through worker that
 * opens an IndexedDB database at its top level and answers only after one read transaction
 * (`/sw-bare.js?exp=bareread`), cold starts only. Its own page, warmed with one batch (returned:
 * those requests reach the healthy upstream too).
 */
async function floorColdEntry(e: Env, errors: string[]): Promise<{ entry: ColdEntry; requests: number }> {
  const { context, page } = await e.newPage(errors);
  await registerPlain(page, withQuery(BARE, 'exp=bareread'));
  const url = `${e.up.url}/api/bench/floor`;
  const warm = await run(page, 'fetch', url, BATCH);
  if (warm.outcomes['200 - -'] !== BATCH) throw new Error(`floor worker: expected "200 - -", got ${JSON.stringify(warm.outcomes)}`);
  const entry: ColdEntry = { label: 'floor: bare worker + one IndexedDB read first', page, context, caller: 'fetch', url, expected: '200 - -', samples: [], outcomes: {}, complaints: [], probes: [] };
  return { entry, requests: BATCH };
}

/** `open…`: an A/B row of the breaker-OPEN entry (its own page and URL on the stale upstream, tripped the same way). */
async function openExperiment(e: Env, errors: string[], name: string): Promise<ColdEntry> {
  const { context, page } = await e.newPage(errors);
  await registerOurs(page, withQuery(OURS, `exp=${name.replaceAll('+', ',')}`), fastTrip(e.upStale.url));
  const url = `${e.upStale.url}/api/bench/exp-${name}`;
  e.upStale.setFaults({ outage: false });
  try {
    const primed = await run(page, 'resilientFetch', url, 1);
    if (primed.outcomes['200 - -'] !== 1) throw new Error(`exp ${name}: priming failed: ${JSON.stringify(primed.outcomes)}`);
    for (let i = 0; i < 50 && ((await page.evaluate(() => window.swBench.cacheStats()))?.puts ?? 0) < 1; i++) await sleep(100);
  } finally {
    e.upStale.setFaults({ outage: true });
  }
  for (let i = 0; i < 20; i++) {
    await run(page, 'resilientFetch', url, 1);
    const origins = await page.evaluate(() => window.swBench.state());
    if (origins.find((o) => o.origin === e.upStale.url)?.breaker.state === 'open') break;
  }
  return { label: `ours, breaker OPEN, exp ${name}`, page, context, caller: 'resilientFetch', url, expected: '200 cache circuit-open', samples: [], outcomes: {}, complaints: [], probes: [] };
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    log(`watchdog: still running after ${BUDGET_MS + 20_000} ms, giving up`);
    process.exit(2);
  }, BUDGET_MS + 20_000);
  watchdog.unref();

  const e = await startSession(log);
  try {
    log(`Chromium ${e.version}; app ${e.app.url}, upstream ${e.up.url}, stale upstream ${e.upStale.url}, OTLP ${e.receiver.tracesUrl}`);
    const variants = makeVariants(e);
    for (const v of variants) {
      const { context, page } = await e.newPage(v.errors);
      v.context = context;
      v.page = page;
      await v.setup(page);
      // One checked request before timing anything: the variant does what it says.
      const check = await run(page, v.caller, v.url, 1);
      if (check.outcomes[v.expected] !== 1) throw new Error(`${v.label}: expected "${v.expected}", got ${JSON.stringify(check.outcomes)}`);
      v.bodyBytes = check.bodyBytes;
      log(`ready: ${v.label}`);
    }
    const staleHitsBefore = e.upStale.stats().total;
    const receiverRequestsBefore = e.receiver.requestCount;

    const random = mulberry32(SEED);
    const expired = () => elapsed() > BUDGET_MS - RESERVE_MS;
    const warmExpired = () => elapsed() > BUDGET_MS - RESERVE_MS - COLD_RESERVE_MS;
    log(`warm-up: ${WARMUP} requests per variant in batches of ${BATCH}`);
    let complete = await interleave(variants, { target: WARMUP, batch: BATCH, record: false, random, expired: warmExpired });
    log(`measuring: ${MEASURED} requests per variant in batches of ${BATCH}`);
    const measureStarted = performance.now();
    if (complete) {
      complete = await interleave(variants, {
        target: MEASURED,
        batch: BATCH,
        record: true,
        random,
        expired: warmExpired,
        progress: (round) => {
          if (round % 20 === 19) log(`measure: round ${round + 1}, ${((performance.now() - measureStarted) / 1000).toFixed(1)} s`);
        },
      });
    }
    if (!complete) log('time budget reached: reporting what was measured');
    const measureSeconds = (performance.now() - measureStarted) / 1000;

    const staleUpstreamCalls = e.upStale.stats().total - staleHitsBefore;
    log(`cold start: ${COLD_ROUNDS} rounds`);
    const moduleErrors: string[] = [];
    const moduleWorker = await moduleColdEntry(e, moduleErrors);
    const floor = await floorColdEntry(e, moduleErrors);
    const experiments = await experimentEntries(e, moduleErrors);
    const cold = [...coldEntries(e, variants), moduleWorker.entry, floor.entry, ...experiments.entries];
    const coldStarted = performance.now();
    const coldRounds = await measureColdStarts(cold, { rounds: COLD_ROUNDS, random, expired, log });
    const coldSeconds = (performance.now() - coldStarted) / 1000;

    const report = buildReport({
      e,
      variants,
      measureSeconds,
      stoppedEarly: !complete,
      staleUpstreamCalls,
      exportRequests: e.receiver.requestCount - receiverRequestsBefore,
      cold,
      coldRounds,
      coldSeconds,
      coldSetupRequests: moduleWorker.requests + floor.requests + experiments.requests,
      moduleErrors,
    });
    process.stdout.write(`${report}\n`);
    const resultsDir = path.join(HERE, 'results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(path.join(resultsDir, 'sw.md'), `${report}\n`);
    log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, 'sw.md'))}`);
    for (const v of variants) await v.context?.close();
    await moduleWorker.entry.context.close();
    await floor.entry.context.close();
    for (const x of experiments.entries) await x.context.close();
  } finally {
    await e.close();
    clearTimeout(watchdog);
  }
}

// ---------------------------------------------------------------------------------------------
// report

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(x >= 10 ? 1 : 2) : 'n/a');
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function buildReport(r: {
  e: Env;
  variants: Variant[];
  measureSeconds: number;
  stoppedEarly: boolean;
  staleUpstreamCalls: number;
  exportRequests: number;
  cold: ColdEntry[];
  coldRounds: number;
  coldSeconds: number;
  /** Requests the cold-only entries sent to the healthy upstream while being set up. */
  coldSetupRequests: number;
  moduleErrors: string[];
}): string {
  const by = new Map(r.variants.map((v) => [v.key, v]));
  const sum = new Map<string, Summary>(r.variants.map((v) => [v.key, summarize(v.samples)]));
  const s = (k: string) => sum.get(k)!;
  const bare = s('bare');
  const out: string[] = [];
  const cpu = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  out.push('# resilient-fetch service-worker benchmark', '');
  out.push(
    `Chromium ${r.e.version} (headless, Playwright 1.65), Node ${process.version}, ${cpu} × ${os.cpus().length} (1-min load average ${LOAD_AT_START.toFixed(1)} at start, ${(os.loadavg()[0] ?? Number.NaN).toFixed(1)} at end), ${new Date().toISOString().slice(0, 16)}Z. ` +
      `Production build of bench/app served by startStaticServer; healthy local chaos upstream (JSON echo, ${by.get('ours')!.bodyBytes} B body, keep-alive). ` +
      `Per request, in the page: performance.now() around the call + reading the body; one request in flight. ` +
      `${WARMUP} warm-up + ${MEASURED} measured requests per variant, interleaved in shuffled rounds of ${BATCH}-request batches ` +
      `(measuring took ${r.measureSeconds.toFixed(1)} s). Each variant has its own browser context (own registration, IndexedDB, sockets).` +
      (r.stoppedEarly ? ' **The time budget ran out: fewer samples than asked (see n).**' : ''),
    '',
  );
  out.push(row(['variant', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms', 'p50 / bare worker p50']), row(['---', '---:', '---:', '---:', '---:', '---:', '---:']));
  for (const v of r.variants) {
    const x = s(v.key);
    out.push(row([v.label, x.n, ms(x.p50), ms(x.p95), ms(x.p99), ms(x.mean), v.key === 'bare' ? '1.00×' : `${(x.p50 / bare.p50).toFixed(2)}×`]));
  }
  out.push('');

  // ---- targets ----
  const ours = s('ours');
  const noise = Math.abs(ours.p50 - s('replica').p50);
  const replicaCI = bootstrapMedianDiff(by.get('ours')!.samples, by.get('replica')!.samples, 1000, SEED + 1);
  const traceAdded = (s('traced').p50 - ours.p50) / ours.p50;
  const traceCI = bootstrapMedianDiff(by.get('traced')!.samples, by.get('ours')!.samples, 1000, SEED + 2);
  const cacheCost = ours.p50 - s('nocache').p50;
  const cacheCI = bootstrapMedianDiff(by.get('ours')!.samples, by.get('nocache')!.samples, 1000, SEED + 3);
  // "Measurable" = larger than the gap between two identical variants AND a bootstrap interval
  // that excludes zero; either alone is too easily fooled by this much noise.
  const cacheMeasurable = cacheCost > noise && cacheCI[0] > 0;
  const stale = s('stale');
  const ratio = ours.p50 / bare.p50;
  const cold = coldReport(r.cold, r.coldRounds, r.coldSeconds);
  out.push(...cold.md);
  const targets = [
    { name: 'our p50 ≤ 1.2× bare worker p50', measured: `${ratio.toFixed(2)}× (${ms(ours.p50)} vs ${ms(bare.p50)} ms)`, pass: ratio <= 1.2 },
    {
      name: 'tracing adds < 10% to our p50',
      measured: `${pct(traceAdded)} (${ms(s('traced').p50)} vs ${ms(ours.p50)} ms; 95% CI of the difference ${ms(traceCI[0])} … ${ms(traceCI[1])} ms)`,
      pass: traceAdded < 0.1,
    },
    {
      name: 'cache adds no measurable p50: p50(3) − p50(5)',
      measured:
        `${cacheCost >= 0 ? '+' : ''}${ms(cacheCost)} ms (95% CI ${ms(cacheCI[0])} … ${ms(cacheCI[1])} ms); ` +
        `noise floor = \\|p50(3) − p50(3′)\\|, two identical variants = ${ms(noise)} ms` +
        (replicaCI[0] > 0 || replicaCI[1] < 0 ? ` (their bootstrap CI ${ms(replicaCI[0])} … ${ms(replicaCI[1])} ms excludes 0: the bootstrap alone understates the noise)` : ''),
      pass: !cacheMeasurable,
    },
    { name: 'stale-serve p99 < 20 ms (breaker open)', measured: `${ms(stale.p99)} ms (p50 ${ms(stale.p50)} ms, max ${ms(stale.max)} ms)`, pass: stale.p99 < 20 },
    cold.target,
  ];
  out.push('## Targets', '', row(['target', 'measured', 'result']), row(['---', '---', '---']));
  for (const t of targets) out.push(row([t.name, t.measured, t.pass ? 'PASS' : '**MISS**']));
  out.push('');

  // ---- checks: each variant did what it claims ----
  out.push('## Checks', '');
  for (const v of r.variants) {
    const other = Object.entries(v.outcomes).filter(([k]) => k !== v.expected);
    const okCount = v.outcomes[v.expected] ?? 0;
    out.push(
      `- ${v.label}: ${okCount}/${v.samples.length} measured responses were \`${v.expected}\` (status, X-Resilience-Source, X-Resilience-Reason)` +
        (other.length > 0 ? `; others: ${other.map(([k, c]) => `\`${k}\` × ${c}`).join(', ')}` : '') +
        (v.notes.length > 0 ? `; ${v.notes.join('; ')}` : '') +
        (v.errors.length > 0 ? `; page errors: ${v.errors.slice(0, 3).join(' | ')}` : ''),
    );
  }
  const upStats = r.e.up.stats();
  const coldToUp = r.cold.filter((c) => c.check === undefined).reduce((a, c) => a + c.samples.length, 0);
  const sentToUp = r.variants.filter((v) => v.key !== 'stale').reduce((a, v) => a + v.samples.length + v.warm + 1, coldToUp + r.coldSetupRequests);
  out.push(
    `- healthy upstream received ${upStats.total} requests for ${sentToUp} sent by variants 1–5 and the cold starts (so no HTTP-cache hits), ${upStats.preflights} CORS preflights.`,
    ...(r.moduleErrors.length > 0 ? [`- module worker page errors: ${r.moduleErrors.slice(0, 3).join(' | ')}`] : []),
    `- stale variant: the upstream in outage received ${r.staleUpstreamCalls} requests during warm-up and measurement (0 = every call was rejected locally by the open breaker).`,
    `- tracing variant: ${r.exportRequests} OTLP export requests reached the receiver during warm-up and measurement (${r.e.receiver.spans().length} spans kept).`,
    `- Timer: performance.now() in a page that is not cross-origin isolated is coarsened by Chromium to 100 µs (with jitter), so p50s move in ~0.1 ms steps.`,
  );
  return out.join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:sw failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
