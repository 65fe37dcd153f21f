/** What the bench pages put on `window.coreBench` for Playwright to call. */
import type { TimingOptions } from '../lib/harness.js';
import type { ScenarioId, ScenarioResult } from '../lib/scenarios.js';

export interface CoreBenchPage {
  /** The bench:core scenarios (page.ts). */
  ids(): ScenarioId[];
  run(id: ScenarioId, opts: TimingOptions): Promise<ScenarioResult>;
  /** Builds the named contender (lib/contenders.ts contenderByName), checks it and warms it up (page.ts). */
  prepare?(name: string): Promise<string>;
  /** Sequential awaited calls of the prepared contender for about `ms` (page.ts). */
  loop?(ms: number): Promise<{ calls: number; ms: number }>;
  /** Exactly `n` sequential awaited calls of the prepared contender (page.ts). */
  calls?(n: number): Promise<void>;
  /** Engine copies side by side (ab-page.ts). */
  ab?(closed: boolean, opts: TimingOptions, burst?: number, workerShaped?: boolean): Promise<ScenarioResult>;
}

declare global {
  interface Window {
    coreBench: CoreBenchPage;
  }
}
