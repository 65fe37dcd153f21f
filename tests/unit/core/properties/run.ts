import fc from 'fast-check';
import { scenarioArb, simulate, type Scenario, type Trace } from './model.js';

/**
 * Runs per invariant. The default keeps the whole suite (8 invariants × 150 runs) to a few
 * seconds; set PROPERTY_RUNS for a longer hunt.
 */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

/** Generous: a run takes ~2 ms, a failing invariant also shrinks, and the machine is shared. */
export const TIMEOUT_MS = 60_000 + RUNS * 50;

/**
 * Checks `invariant` over RUNS random scenarios. It returns undefined when it holds, else what
 * broke. A failure prints fast-check's seed and path; PROPERTY_SEED and PROPERTY_PATH replay it.
 */
export async function holds(
  invariant: (trace: Trace, scenario: Scenario) => string | undefined | Promise<string | undefined>,
  listener: 'quiet' | 'throwing' = 'quiet',
): Promise<void> {
  const seed = process.env.PROPERTY_SEED;
  const path = process.env.PROPERTY_PATH;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const broken = await invariant(await simulate(scenario, listener), scenario);
      if (broken !== undefined) throw new Error(broken);
    }),
    {
      numRuns: RUNS,
      ...(seed !== undefined ? { seed: Number(seed) } : {}),
      ...(path !== undefined ? { path } : {}),
      // Shrinking a failure is worth seconds, not minutes: report the smallest found by then.
      interruptAfterTimeLimit: 40_000,
      markInterruptAsFailure: false,
    },
  );
}
