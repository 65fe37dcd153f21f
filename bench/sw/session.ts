/**
 * What the service-worker benchmarks share: a production build of bench/app served by
 * startStaticServer, local servers (healthy upstream, a second upstream, an OTLP receiver), one
 * Chromium with the Playwright config's launch options, and the interleaved timing loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import playwrightConfig from '../../playwright.config.js';
import { startChaosUpstream, type ChaosUpstreamHandle } from '../../demo-app/server/chaos-upstream.js';
import { startOtlpReceiver, type OtlpReceiverHandle } from '../../demo-app/server/otlp-receiver.js';
import { startStaticServer, type StaticServerHandle } from '../../demo-app/server/static-server.js';
import type { BatchResult, Caller } from '../app/main.js';
import type { LiveConfig } from '../../src/index.js';
import { buildBenchApp } from './build.js';
import { shuffle } from './stats.js';
import { within } from '../lib/within.js';

export const APP_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'app');
const EVALUATE_TIMEOUT_MS = 30_000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A worker script of the bench app and how it is registered. */
export interface WorkerScript {
  url: string;
  type: WorkerType;
}

/**
 * Our worker as the benchmark ships it: one classic script. Chromium starts a stopped classic
 * worker from the V8 code cache it made at install; a module worker's scripts are compiled from
 * source at every start (Chromium 156: no code cache consumed, ~250 functions compiled lazily),
 * which made the first call after a stop ~1.4× slower (bench/PROFILE.md, cold start).
 */
export const OURS: WorkerScript = { url: '/sw.classic.js', type: 'classic' };
/** The same worker as a module script sharing chunks with the page (the Vite recipe's build). */
export const OURS_MODULE: WorkerScript = { url: '/sw.js', type: 'module' };
/** Ours with tracing (its own script: an app that does not trace does not ship OpenTelemetry). */
export const OURS_TRACED: WorkerScript = { url: '/sw-traced.classic.js', type: 'classic' };
export const BARE: WorkerScript = { url: '/sw-bare.js', type: 'module' };

/** `script` with a query added to its URL (the bench workers read their variant from it). */
export function withQuery(script: WorkerScript, query: string): WorkerScript {
  return { ...script, url: `${script.url}?${query}` };
}

export async function registerOurs(page: Page, script: WorkerScript, config?: LiveConfig): Promise<void> {
  const ok = await within(page.evaluate(([s, t, c]) => window.swBench.registerOurs(s, t, c), [script.url, script.type, config] as const), 20_000, `register ${script.url}`);
  if (!ok) throw new Error(`${script.url} does not control the page`);
}

export async function registerPlain(page: Page, script: WorkerScript): Promise<void> {
  const ok = await within(page.evaluate(([s, t]) => window.swBench.registerPlain(s, t), [script.url, script.type] as const), 20_000, `register ${script.url}`);
  if (!ok) throw new Error(`${script.url} does not control the page`);
}

export function runBatch(page: Page, caller: Caller, url: string, n: number, gapMs = 0): Promise<BatchResult> {
  return within(
    page.evaluate(([c, u, k, g]) => window.swBench.run(c, u, k, g), [caller, url, n, gapMs] as const),
    EVALUATE_TIMEOUT_MS + n * gapMs,
    `batch of ${n} ${caller} ${url}`,
  );
}

export interface Session {
  app: StaticServerHandle;
  /** Healthy upstream: small JSON echo. */
  up: ChaosUpstreamHandle;
  /** A second upstream (its own origin, so its own breaker), free to be put in outage. */
  upStale: ChaosUpstreamHandle;
  receiver: OtlpReceiverHandle;
  browser: Browser;
  version: string;
  /** A fresh context (own registrations, IndexedDB, sockets) with the bench page loaded. */
  newPage(errors: string[]): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startSession(log: (m: string) => void): Promise<Session> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'rf-bench-sw-'));
  const cleanups: (() => Promise<unknown>)[] = [async () => rmSync(outDir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const started = performance.now();
    await buildBenchApp(APP_ROOT, outDir);
    log(`built bench/app (production) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const app = await startStaticServer({ root: outDir });
    cleanups.push(() => app.close());
    const up = await startChaosUpstream({ name: 'bench-upstream', maxRecorded: 10 });
    cleanups.push(() => up.close());
    const upStale = await startChaosUpstream({ name: 'bench-stale-upstream', maxRecorded: 10 });
    cleanups.push(() => upStale.close());
    const receiver = await startOtlpReceiver({ maxSpans: 1_000, log: () => undefined });
    cleanups.push(() => receiver.close());
    const launch = playwrightConfig.use?.launchOptions ?? {};
    // BENCH_SW_JS_FLAGS: V8 flags for a diagnostic run (e.g. --no-enable-lazy-source-positions, bench/PROFILE.md cold start round 6).
    const jsFlags = process.env.BENCH_SW_JS_FLAGS ? [`--js-flags=${process.env.BENCH_SW_JS_FLAGS}`] : [];
    const browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), ...jsFlags], executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium' });
    cleanups.push(() => browser.close());
    return {
      app,
      up,
      upStale,
      receiver,
      browser,
      version: browser.version(),
      async newPage(errors) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
        page.on('console', (m) => {
          // The browser's own favicon probe 404s on this bare app; anything else is worth a look.
          if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(`console: ${m.text()}`);
        });
        await page.goto(`${app.url}/`);
        return { context, page };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One thing being timed: a page, what it calls, and where its samples go. */
export interface Timed {
  label: string;
  page?: Page;
  caller: Caller;
  url: string;
  gapMs?: number;
  samples: number[];
  warm: number;
  outcomes: Record<string, number>;
}

/**
 * Runs `target` requests for every entry, interleaved: each round takes one batch of `batch`
 * requests from every entry that still needs some, in a freshly shuffled order. Stops early (and
 * returns false) once `deadline()` says so. `record` false = warm-up (samples thrown away).
 */
export async function interleave(
  entries: Timed[],
  opts: { target: number; batch: number; record: boolean; random: () => number; expired: () => boolean; progress?: (round: number) => void },
): Promise<boolean> {
  const order = entries.slice();
  const maxRounds = Math.ceil(opts.target / opts.batch) + 1;
  for (let round = 0; round < maxRounds; round++) {
    if (order.every((v) => (opts.record ? v.samples.length : v.warm) >= opts.target)) return true;
    if (opts.expired()) return false;
    shuffle(order, opts.random);
    for (const v of order) {
      const n = Math.min(opts.batch, opts.target - (opts.record ? v.samples.length : v.warm));
      if (n <= 0) continue;
      const r = await runBatch(v.page!, v.caller, v.url, n, v.gapMs ?? 0);
      if (opts.record) {
        v.samples.push(...r.ms);
        for (const [k, c] of Object.entries(r.outcomes)) v.outcomes[k] = (v.outcomes[k] ?? 0) + c;
      } else {
        v.warm += n;
      }
    }
    opts.progress?.(round);
  }
  return true;
}
