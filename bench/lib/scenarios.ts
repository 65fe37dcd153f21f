/**
 * The scenarios of `bench:core`, defined once and run unchanged in Node (core.bench.ts) and in a
 * Chromium page (bench/browser/page.ts): which contenders race, and which rows are ours.
 * Results come back as plain data (`ScenarioResult`), so a page can hand them to Node through
 * Playwright and both runs are reported by the same code (report.ts).
 */
import {
  bare,
  cockatielBreakerOnly,
  cockatielOpen,
  cockatielPipeline,
  oursBreakerOnly,
  oursOpen,
  oursPipeline,
  opossumBreakerOnly,
  opossumOpen,
  opossumPipeline,
  type Contender,
} from './contenders.js';
import { timeInterleaved, type TimingOptions } from './harness.js';

export type ScenarioId = 'success' | 'closed' | 'open';

export interface Scenario {
  id: ScenarioId;
  title: string;
  /** Names of our rows; ratios are taken against them. */
  ours: string[];
  /** Builds fresh contenders (the open scenario trips breakers first). */
  build(): Promise<Contender[]>;
}

export const PIPELINE = 'ours: createResilientFetch (defaults)';

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'success',
    title: '1. Success path, full pipeline',
    ours: [PIPELINE],
    build: async () => [bare(), oursPipeline(), cockatielPipeline(), opossumPipeline()],
  },
  {
    id: 'closed',
    title: '2. Closed breaker alone',
    ours: ['ours: breaker only (no retry/timer)'],
    build: async () => [bare(), oursBreakerOnly(), cockatielBreakerOnly(), opossumBreakerOnly()],
  },
  {
    id: 'open',
    title: '3. Open-breaker rejection',
    ours: ['ours: open → synthetic 503', 'ours: open → throwOnReject'],
    build: async () => {
      const open = await oursOpen();
      return [open.synthetic, open.thrown, await cockatielOpen(), opossumOpen()];
    },
  },
];

/** One contender's samples, as plain data. */
export interface SampleSet {
  name: string;
  kind: Contender['kind'];
  /** µs per call (wall), one per round. */
  samples: number[];
  /** µs of process CPU per call, one per round; empty where there is no CPU clock (a page). */
  cpuSamples: number[];
  opsPerSample: number;
}

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  ours: string[];
  timings: SampleSet[];
}

export async function runScenario(scenario: Scenario, opts: TimingOptions): Promise<ScenarioResult> {
  const contenders = await scenario.build();
  try {
    const timings = await timeInterleaved(contenders, opts);
    return {
      id: scenario.id,
      title: scenario.title,
      ours: scenario.ours,
      timings: timings.map((t) => ({
        name: t.contender.name,
        kind: t.contender.kind,
        samples: t.samples,
        cpuSamples: t.cpuSamples,
        opsPerSample: t.opsPerSample,
      })),
    };
  } finally {
    for (const c of contenders) c.dispose?.();
  }
}

/** Every contender of every scenario once (bare once), for the allocation measurement. */
export async function allocationContenders(): Promise<Contender[]> {
  const open = await oursOpen();
  return [
    bare(),
    oursPipeline(),
    oursBreakerOnly(),
    cockatielPipeline(),
    opossumPipeline(),
    open.synthetic,
    open.thrown,
    await cockatielOpen(),
    opossumOpen(),
  ];
}
