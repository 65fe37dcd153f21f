/**
 * User code never breaks a call: an onEvent listener that throws (on random events) changes no
 * call's outcome, hangs none, escapes to no timer, and is reported rather than swallowed.
 * Each scenario runs twice, with a quiet listener and with a throwing one, and the calls must
 * end the same way at the same time.
 *
 * Replaying a failure: fast-check prints `{ seed: S, path: "P", endOnFailure: true }`. Run
 *   PROPERTY_SEED=S PROPERTY_PATH="P" npx vitest run tests/unit/core/properties -t '<the it name>'
 * to run exactly that (shrunk) case again. PROPERTY_RUNS=N runs N scenarios per invariant.
 */
import { afterEach, beforeEach, describe, it, vi } from 'vitest';
import { simulate } from './simulation.js';
import { holds, TIMEOUT_MS } from './run.js';

describe('a throwing onEvent listener', () => {
  let reported = 0;
  let unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    reported = 0;
    unhandled = [];
    vi.spyOn(console, 'error').mockImplementation(() => void reported++);
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.off('unhandledRejection', onUnhandled);
  });

  it('changes no call: each settles as it would with a quiet listener, at the same time', async () => {
    await holds(async (throwing, scenario) => {
      if (throwing.listenerErrors === 0) return undefined;
      const quiet = await simulate(scenario, 'quiet');
      for (const [i, call] of throwing.calls.entries()) {
        const expected = quiet.calls[i]!;
        const got = `${call.outcome ?? 'never settled'} at +${(call.settledAt ?? NaN) - call.startedAt} ms`;
        const want = `${expected.outcome ?? 'never settled'} at +${(expected.settledAt ?? NaN) - expected.startedAt} ms`;
        if (got !== want) return `with ${throwing.listenerErrors} listener error(s), call c${i} ${got}; with a quiet listener ${want}`;
      }
      if (throwing.uncaught.length > 0) return `a listener error escaped from an engine timer: ${throwing.uncaught[0]}`;
      return undefined;
    }, 'throwing');
  }, TIMEOUT_MS);

  it('is reported (reportError or console.error), never swallowed or left unhandled', async () => {
    await holds(async (throwing) => {
      await new Promise((resolve) => setImmediate(resolve)); // let unhandled rejections surface
      const seen = reported;
      const stray = unhandled.length;
      reported = 0;
      unhandled = [];
      if (stray > 0) return `${stray} unhandled rejection(s) after ${throwing.listenerErrors} listener error(s)`;
      if (throwing.listenerErrors > 0 && seen === 0) return `${throwing.listenerErrors} listener error(s), none reported`;
      return undefined;
    }, 'throwing');
  }, TIMEOUT_MS);

  it('leaves rf.snapshot() working', async () => {
    await holds((throwing) => {
      const first = throwing.snapshotErrors[0];
      return first && `rf.snapshot() threw ${throwing.snapshotErrors.length} time(s), first ${first}`;
    }, 'throwing');
  }, TIMEOUT_MS);
});
