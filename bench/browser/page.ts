/**
 * The page side of `bench:core --browser`: the scenarios of lib/scenarios.ts, unchanged, exposed
 * on `window.coreBench` for Playwright to run one at a time. run.ts bundles this file with
 * esbuild and points the engine import below at the same plain-JS build the Node run measures.
 */
import * as core from '../../src/core/index.js';
import { useCore } from '../lib/contenders.js';
import type { TimingOptions } from '../lib/harness.js';
import { runScenario, SCENARIOS, type ScenarioId, type ScenarioResult } from '../lib/scenarios.js';
import type { CoreBenchPage } from './api.js';

useCore(core);

const coreBench: CoreBenchPage = {
  ids: (): ScenarioId[] => SCENARIOS.map((s) => s.id),
  run(id: ScenarioId, opts: TimingOptions): Promise<ScenarioResult> {
    const scenario = SCENARIOS.find((s) => s.id === id);
    if (scenario === undefined) throw new Error(`no scenario ${id}`);
    return runScenario(scenario, opts);
  },
};
window.coreBench = coreBench;
