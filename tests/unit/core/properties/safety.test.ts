/**
 * Safety invariants of the engine, checked on random scenarios through the public API
 * (scenario.ts says what a scenario is, simulation.ts how a run is observed).
 *
 * Replaying a failure: fast-check prints `{ seed: S, path: "P", endOnFailure: true }`. Run
 *   PROPERTY_SEED=S PROPERTY_PATH="P" npx vitest run tests/unit/core/properties -t '<the it name>'
 * to run exactly that (shrunk) case again. PROPERTY_RUNS=N runs N scenarios per invariant.
 */
import { describe, it } from 'vitest';
import { holds, TIMEOUT_MS } from './run.js';

describe('engine safety, for any traffic, faults and timing', () => {
  it('never has more than maxInFlight requests in flight, nor more than maxQueue calls queued', async () => {
    await holds((trace) => {
      const broken = trace.violations.find((v) => v.invariant === 'in-flight' || v.invariant === 'queued');
      return broken && `at +${broken.at - 1_700_000_000_000} ms: ${broken.detail}`;
    });
  }, TIMEOUT_MS);

  it('sends no request while the breaker is open', async () => {
    await holds((trace) => {
      const broken = trace.violations.find((v) => v.invariant === 'breaker-open');
      return broken && `at +${broken.at - 1_700_000_000_000} ms: ${broken.detail}`;
    });
  }, TIMEOUT_MS);

  it('sends no request while the origin is paused by a server delay', async () => {
    await holds((trace) => {
      const broken = trace.violations.find((v) => v.invariant === 'paused');
      return broken && `at +${broken.at - 1_700_000_000_000} ms: ${broken.detail}`;
    });
  }, TIMEOUT_MS);

  it('gives back every slot and request: once all calls settled, none in flight, none queued, none left open at the transport', async () => {
    await holds((trace) => {
      const { inFlight, queued, atTransport } = trace.leftover;
      if (inFlight === 0 && queued === 0 && atTransport === 0) return undefined;
      return `after every call settled: snapshot inFlight ${inFlight}, queued ${queued}; ${atTransport} request(s) never answered nor aborted`;
    });
  }, TIMEOUT_MS);

  it('makes at most 1 + retries attempts per call, and one for a POST', async () => {
    await holds((trace) => {
      const broken = trace.calls.find((c) => c.attempts > c.maxAttempts);
      return broken && `call c${broken.index} (${broken.method}) made ${broken.attempts} attempts, at most ${broken.maxAttempts} allowed`;
    });
  }, TIMEOUT_MS);

  it('sends upstream at most calls × (1 + budgetRatio) plus the reserve and what successes earned back', async () => {
    await holds((trace) => {
      if (trace.upstream <= trace.budgetBound) return undefined;
      return `${trace.upstream} requests for ${trace.calls.length} calls, budget allows ${trace.budgetBound}`;
    });
  }, TIMEOUT_MS);
});
