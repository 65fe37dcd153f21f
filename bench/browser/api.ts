/** What the bench pages put on `window.coreBench` for Playwright to call. */
import type { TimingOptions } from '../lib/harness.js';
import type { ScenarioId, ScenarioResult } from '../lib/scenarios.js';

export interface CoreBenchPage {
  /** The bench:core scenarios (page.ts). */
  ids(): ScenarioId[];
  run(id: ScenarioId, opts: TimingOptions): Promise<ScenarioResult>;
  /** Engine copies side by side (ab-page.ts). */
  ab?(closed: boolean, opts: TimingOptions): Promise<ScenarioResult>;
}

declare global {
  interface Window {
    coreBench: CoreBenchPage;
  }
}
