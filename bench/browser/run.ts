/**
 * Runs the `bench:core` scenarios in a headless Chromium page (Playwright, the launch options of
 * playwright.config.ts). The page bundle (page.ts + lib/scenarios.ts + the harness + the engine +
 * cockatiel + opossum) is built in memory by esbuild for the browser:
 *   - the engine is the plain-JS build that load-core.ts made for the Node run (byte-identical
 *     code in both runtimes); under BENCH_ENGINE=tsx esbuild compiles src/core itself;
 *   - opossum is CommonJS and `require('events')`: esbuild resolves that to the `events` npm
 *     polyfill (the EventEmitter browserify and webpack ship), the only shim it needs. We bundle
 *     opossum's lib/ rather than its own dist/opossum.js, which is Babel-compiled to ES5 and
 *     would penalise it.
 * Served from 127.0.0.1 with COOP/COEP so the page is cross-origin isolated: performance.now()
 * then ticks at 5 µs instead of Chromium's 100 µs (with jitter) for ordinary pages.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from '@playwright/test';
import { build, version as esbuildVersion, type Plugin } from 'esbuild';
import playwrightConfig from '../../playwright.config.js';
import type { TimingOptions } from '../lib/harness.js';
import type { ScenarioId, ScenarioResult } from '../lib/scenarios.js';
import { within } from '../lib/within.js';
import './api.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCENARIO_TIMEOUT_MS = 90_000;

export interface BrowserRun {
  results: ScenarioResult[];
  version: string;
  esbuild: string;
  isolated: boolean;
}

/** Resolves page.ts's `src/core/index.js` to `entry`, and ab-page.ts's `bench:engines` to a module listing `engines`. */
function engineBuilds(entry: string | undefined, engines: { name: string; entry: string }[]): Plugin {
  return {
    name: 'engine-builds',
    setup(b) {
      b.onResolve({ filter: /\/src\/core\/index\.js$/ }, (args) =>
        entry !== undefined && args.importer === path.join(HERE, 'page.ts') ? { path: entry } : undefined,
      );
      b.onResolve({ filter: /^bench:engines$/ }, () => ({ path: 'bench:engines', namespace: 'engines' }));
      b.onLoad({ filter: /.*/, namespace: 'engines' }, () => ({
        resolveDir: HERE,
        contents:
          engines.map((e, i) => `import * as e${i} from ${JSON.stringify(e.entry)};`).join('\n') +
          `\nexport default [${engines.map((e, i) => `{ name: ${JSON.stringify(e.name)}, core: e${i} }`).join(', ')}];\n`,
      }));
    },
  };
}

export async function bundlePage(page: 'page.ts' | 'ab-page.ts', coreEntry: string | undefined, engines: { name: string; entry: string }[] = []): Promise<string> {
  const out = await build({
    entryPoints: [path.join(HERE, page)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
    plugins: [engineBuilds(coreEntry, engines)],
  });
  return out.outputFiles[0]!.text;
}

function serve(script: string, onResults?: (body: string) => void): Promise<Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>bench:core</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (req.url === '/bench.js') res.writeHead(200, { ...isolation, 'Content-Type': 'text/javascript' }).end(script);
    else if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { ...isolation, 'Content-Type': 'text/html' }).end(html);
    else if (req.url === '/results' && req.method === 'POST' && onResults !== undefined) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        res.writeHead(204).end();
        onResults(body);
      });
    } else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Serves `script` in a fresh headless Chromium page, waits for `window.coreBench`, runs `use`, tears all down. */
export async function withBenchPage<T>(script: string, use: (page: Page, info: { version: string; isolated: boolean }) => Promise<T>): Promise<T> {
  const server = await serve(script);
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, executablePath: process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium' });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => window.coreBench !== undefined || document.readyState === 'complete', undefined, { timeout: 20_000 });
    if (errors.length > 0) throw new Error(`the bench page failed: ${errors.join(' | ')}`);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated === true);
    return await use(page, { version: browser.version(), isolated });
  } finally {
    await browser.close();
    server.close();
  }
}

export async function runInChromium(coreEntry: string | undefined, opts: TimingOptions, log: (m: string) => void): Promise<BrowserRun> {
  const script = await bundlePage('page.ts', coreEntry);
  log(`bundled the page with esbuild ${esbuildVersion}: ${(script.length / 1024).toFixed(0)} KiB`);
  return withBenchPage(script, async (page, info) => {
    const results: ScenarioResult[] = [];
    for (const id of await page.evaluate(() => window.coreBench.ids())) {
      log(`timing ${id} in Chromium …`);
      results.push(await within(page.evaluate(([i, o]) => window.coreBench.run(i as ScenarioId, o), [id, opts] as const), SCENARIO_TIMEOUT_MS, id));
    }
    return { results, version: info.version, esbuild: esbuildVersion, isolated: info.isolated };
  });
}

/**
 * The same run with no DevTools protocol attached: Playwright enables the inspector's Runtime
 * domain on every page, and with an inspector attached V8 captures a detailed stack for every
 * Error created (Error.stackTraceLimit does not apply to it): `new ResilienceError()` took 7-14 µs
 * under Playwright and 0.4-1.4 µs with none attached (same Chromium, same page). Users run with
 * none. So here Chromium is a plain child process loading `/?autorun=<opts>`; the page runs every
 * scenario itself and POSTs the results back.
 */
export async function runInChromiumWithoutCdp(coreEntry: string | undefined, opts: TimingOptions, log: (m: string) => void): Promise<BrowserRun> {
  const script = await bundlePage('page.ts', coreEntry);
  log(`bundled the page with esbuild ${esbuildVersion}: ${(script.length / 1024).toFixed(0)} KiB; running it in Chromium with no DevTools protocol attached …`);
  const run = JSON.parse(await autorunWithoutCdp(script, opts)) as { results: ScenarioResult[]; userAgent: string; isolated: boolean };
  return { results: run.results, version: run.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? run.userAgent, esbuild: esbuildVersion, isolated: run.isolated };
}

/** Loads `script`'s page at `/?autorun=<JSON of args>` in a plain Chromium process and returns what the page POSTs to /results. */
export async function autorunWithoutCdp(script: string, args: unknown): Promise<string> {
  let deliver: (body: string) => void = () => undefined;
  const delivered = new Promise<string>((resolve) => (deliver = resolve));
  const server = await serve(script, deliver);
  const profile = mkdtempSync(path.join(tmpdir(), 'bench-chromium-'));
  const launch = playwrightConfig.use?.launchOptions ?? {};
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?autorun=${encodeURIComponent(JSON.stringify(args))}`;
  const chromiumProcess = spawn(process.env.CHROMIUM_PATH ?? launch.executablePath ?? '/usr/bin/chromium', [...(launch.args ?? []), '--headless', `--user-data-dir=${profile}`, url], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  chromiumProcess.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const exited = new Promise<void>((resolve) => chromiumProcess.once('close', () => resolve()));
  try {
    return await within(Promise.race([delivered, exited.then(() => Promise.reject(new Error(`Chromium exited before the page answered: ${stderr}`)))]), SCENARIO_TIMEOUT_MS * 3, 'the autorun page');
  } finally {
    chromiumProcess.kill();
    await exited;
    server.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

