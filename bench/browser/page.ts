/**
 * The page side of `bench:core --browser`: the scenarios of lib/scenarios.ts, unchanged, exposed
 * on `window.coreBench` for Playwright to run one at a time. run.ts bundles this file with
 * esbuild and points the engine import below at the same plain-JS build the Node run measures.
 */
import * as core from '../../src/core/index.js';
import { contenderByName, useCore, type Contender } from '../lib/contenders.js';
import { loopFor, type TimingOptions } from '../lib/harness.js';
import { runScenario, SCENARIOS, type ScenarioId, type ScenarioResult } from '../lib/scenarios.js';
import type { CoreBenchPage } from './api.js';

useCore(core);

let prepared: Contender | undefined;

const coreBench: CoreBenchPage = {
  ids: (): ScenarioId[] => SCENARIOS.map((s) => s.id),
  run(id: ScenarioId, opts: TimingOptions): Promise<ScenarioResult> {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (scenario === undefined) throw new Error(`no scenario ${id}`);
    return runScenario(scenario, opts);
  },
  async prepare(name: string) {
    prepared?.dispose?.();
    prepared = await contenderByName(name);
    await prepared.verify();
    await loopFor(prepared.op, 500);
    return prepared.name;
  },
  loop: (ms: number) => loopFor(prepared!.op, ms),
  async calls(n: number) {
    for (let i = 0; i < n; i++) await prepared!.op();
  },
};
window.coreBench = coreBench;

// `?autorun=<opts>` (run.ts's runInChromiumWithoutCdp): no Playwright to drive the page, so it runs
// every scenario itself and POSTs the results back.
const autorun = new URLSearchParams(location.search).get('autorun');
if (autorun !== null) {
  void (async () => {
    const opts = JSON.parse(autorun) as TimingOptions;
    const results: ScenarioResult[] = [];
    for (const scenario of SCENARIOS) results.push(await runScenario(scenario, opts));
    await fetch('/results', { method: 'POST', body: JSON.stringify({ results, userAgent: navigator.userAgent, isolated: globalThis.crossOriginIsolated === true }) });
  })();
}
