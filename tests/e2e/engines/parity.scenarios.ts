/**
 * Parity in every engine: a user must not be able to tell whether `resilientFetch` ran through
 * our worker or in the in-page engine. A subset of tests/e2e/parity.spec.ts's cases (which run in
 * Chromium only, on four paths) runs here on three: the worker, the in-page engine of the same
 * browser, and the in-page engine on a page that set up page tracing (zone.js, which replaces the
 * global Promise: parity.spec's 'page+zone'). All run each case at once, each against its own fresh
 * chaos upstream given the same faults, and are compared field by field as parity.spec compares
 * them (tests/e2e/parity-cases.ts says what, and what is left out on purpose).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { startChaosUpstream } from '../../../demo-app/server/chaos-upstream.js';
import { startOtlpReceiver } from '../../../demo-app/server/otlp-receiver.js';
import { startStaticServer } from '../../../demo-app/server/static-server.js';
import { CASES, POLICY, differences, observe, startRedirector, type Case, type PathName, type Seen } from '../parity-cases.js';
import type { HarnessPage } from './page.js';
import { scenario } from './scenario.js';
import { APP_DIR } from './world.js';

/**
 * The cases run here: one of each kind of answer (retried, failed, paused, timed out, reset,
 * stored, redirected), each way an app hands over a body, per-call options, and the calls fetch
 * refuses or the app aborts. The rest stay in parity.spec.ts: these 24 took 5-11 s per engine
 * (all 69: ~19 s) on the shared 2-core machine, load average 4, on two paths. On three (the
 * zoned page too, all 24 cases): Chromium 4.9-5.1 s, Firefox 6.0-6.7 s, WebKit 12.3-12.5 s (two
 * paths, the same hour: 4.7, 7.0, 8.4 s; WebKit's driver runs one window's command at a time);
 * all 69 on three paths: 13, 15, 28 s. Load average 1-1.8.
 */
const SUBSET = [
  'GET 200',
  'GET 503 then 200',
  'GET 503 always',
  'GET 429 with Retry-After',
  'GET hang past timeoutMs',
  'GET connection reset',
  'GET during a pause (503 with Retry-After before)',
  'GET outage with a stored copy',
  'GET 204 after a retry',
  'GET redirect',
  'POST keyed through a 307, 503 then 200',
  'POST keyed string body, 503 then 200',
  'POST unkeyed string body, 503 then 200',
  'POST keyed Blob, 503 then 200',
  'POST keyed Request object, 503 then 200',
  'PUT FormData, 503 then 200',
  'PUT URLSearchParams, 503 then 200',
  'DELETE 503 then 200',
  'GET per-call timeoutMs 1500 on a 4 s answer',
  'GET with an invalid per-call option',
  "GET redirect: 'error'",
  'GET with a method fetch refuses',
  'GET aborted by the app during a hang',
  'GET with AbortSignal.timeout(1500) during a hang',
];

function casesNamed(names: string[]): Case[] {
  return names.map((name) => CASES.find((c) => c.name === name) ?? assert.fail(`no parity case named ${name}`));
}

scenario('parity: the same calls through the worker and in the in-page engine, plain and under zone.js, give the app and the upstream the same', async (world) => {
  // The in-page engine runs in tabs of other origins than the worker's, which no worker controls
  // and whose IndexedDB is their own: one plain, one whose page set up tracing (zone.js).
  const [uncontrolledApp, zonedApp, redirector, receiver] = await Promise.all([startStaticServer({ root: APP_DIR }), startStaticServer({ root: APP_DIR }), startRedirector(), startOtlpReceiver()]);
  try {
    const worker = await world.open();
    await worker.register({ config: { policy: POLICY } });
    const page = await world.open(`${uncontrolledApp.url}/`);
    const zoned = await world.open(`${zonedApp.url}/`);
    await zoned.tracePage(receiver.tracesUrl);
    // The path is what it says: zone.js is loaded and its Promise is the page's.
    assert.equal(await zoned.tab.evaluate('() => typeof Zone === "function" && String(Promise).includes("ZoneAwarePromise")'), true, "zone.js replaced the page's Promise");
    for (const inPage of [page, zoned]) {
      assert.equal(await inPage.controlled(), false);
      await inPage.tab.evaluate('(c) => window.harness.inPageConfig(c)', { policy: POLICY });
    }
    const paths: [PathName, HarnessPage][] = [['worker', worker], ['page', page], ['page+zone', zoned]];
    // A first call on each path, not compared: the worker starts here, not inside a case's attempt.
    for (const [, at] of paths) assert.equal((await runCase(at, redirector.url, { name: 'warm-up' })).status, 200);

    const found: string[] = [];
    let slowest = 0;
    // PARITY_ALL=1 runs every case of parity.spec (~1 min per engine), to look for differences.
    for (const c of process.env.PARITY_ALL ? CASES : casesNamed(SUBSET)) {
      const started = Date.now();
      // Each path's case is bounded, so one that never settles is named as such, not a scenario timeout.
      const settled = await Promise.allSettled(paths.map(([, at]) => withinMs(runCase(at, redirector.url, c), CASE_BOUND_MS, `no answer in ${CASE_BOUND_MS} ms`)));
      slowest = Math.max(slowest, Date.now() - started);
      const failed = settled.flatMap((r, i) => (r.status === 'rejected' ? [`${c.name} | ${paths[i]![0]} | threw | ${String(r.reason)}`] : []));
      found.push(...failed);
      if (failed.length > 0) continue;
      const [onWorker, ...inPages] = settled.map((r) => (r as PromiseFulfilledResult<Seen>).value) as [Seen, ...Seen[]];
      const diffs = inPages.flatMap((seen, i) => differences(c, onWorker, paths[i + 1]![0], seen)).filter((d) => !d.known);
      found.push(...diffs.map((d) => d.line));
      if (onWorker.upstream.length > 0 === Boolean(c.unsent)) found.push(`${c.name} | worker | upstream | ${c.unsent ? 'reached the upstream' : 'never reached the upstream'}`);
    }
    // Page tracing ran on that path: its calls left as CLIENT spans of the page's service.
    await zoned.flushTraces();
    await receiver.waitFor((spans) => spans.some((s) => s.serviceName === 'e2e-page' && s.kind === 'CLIENT'), 5_000, "the zoned page's CLIENT spans");
    // The reporter prints a failure's first lines only: PARITY_DIFFS=<file> appends them all there.
    if (process.env.PARITY_DIFFS) writeFileSync(process.env.PARITY_DIFFS, `${world.engine.name}\n${found.join('\n')}\n`, { flag: 'a' });
    assert.deepEqual(found, [], `case | path | field | worker | page (slowest case ${slowest} ms)\n${found.join('\n')}`);
  } finally {
    await Promise.all([uncontrolledApp.close(), zonedApp.close(), redirector.close(), receiver.close()]);
  }
}, { timeout: 180_000 }); // 24 cases, some a hang cut by 2.5 s attempts: 12-34 s per engine alone, one run past 90 s under load

/** A case's longest plausible run (a 10 s deadline, under load) and then some. */
const CASE_BOUND_MS = 30_000;

function withinMs<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** One case on one path, against an upstream of its own (a fresh origin: no pause or breaker carried over). */
async function runCase(at: HarnessPage, redirector: string, c: Case) {
  const up = await startChaosUpstream({ name: 'upstream' });
  try {
    return await observe({ call: (spec) => at.call(spec), storedUrls: () => at.storedUrls(), appOrigin: new URL(at.tab.url).origin }, up, redirector, c);
  } finally {
    await up.close();
  }
}
