import fc from 'fast-check';
import { scenarioArb, type Scenario } from './scenario.js';
import { simulate, type Trace } from './simulation.js';

/**
 * Scenarios per invariant. The default (11 invariants × 100 = 1,100 runs, each a fresh scenario
 * of ~7 calls, ~3 ms of CPU) keeps the suite to seconds; set PROPERTY_RUNS for a longer hunt.
 */
export const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

/**
 * Time a failing invariant may spend shrinking its counterexample. Unbounded shrinking of one
 * failure took 21 s on the loaded machine; the smallest case found in 3 s reads as well.
 */
const SHRINK_MS = Number(process.env.PROPERTY_SHRINK_MS ?? 3_000);

export const TIMEOUT_MS = 30_000 + RUNS * 60 + SHRINK_MS;

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
  let failedAt: number | undefined;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      // Past the shrinking budget every further candidate "passes" unrun, so fast-check stops
      // at the smallest failure found so far (passing runs never get here).
      if (failedAt !== undefined && performance.now() - failedAt > SHRINK_MS) return;
      const broken = await invariant(await simulate(scenario, listener), scenario);
      if (broken === undefined) return;
      failedAt ??= performance.now();
      throw new Error(broken);
    }),
    { numRuns: RUNS, ...(seed !== undefined ? { seed: Number(seed) } : {}), ...(path !== undefined ? { path } : {}) },
  );
}
