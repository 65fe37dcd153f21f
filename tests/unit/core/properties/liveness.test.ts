/**
 * Liveness invariants of the engine: every call ends, on time, and leaves nothing behind.
 * Checked on random scenarios through the public API (scenario.ts says what a scenario is,
 * simulation.ts how a run is observed).
 *
 * Replaying a failure: fast-check prints `{ seed: S, path: "P", endOnFailure: true }`. Run
 *   PROPERTY_SEED=S PROPERTY_PATH="P" npx vitest run tests/unit/core/properties -t '<the it name>'
 * to run exactly that (shrunk) case again. PROPERTY_RUNS=N runs N scenarios per invariant.
 */
import { describe, it } from 'vitest';
import { STUCK_AFTER_MS } from '../../../../src/core/within.js';
import { holds, TIMEOUT_MS } from './run.js';

/** The fake clock's resolution: timers fire at their exact millisecond. */
const TICK_MS = 1;

describe('engine liveness, for any traffic, faults and timing', () => {
  it('settles every call', async () => {
    await holds((trace) => {
      const stuck = trace.calls.filter((c) => c.settledAt === undefined);
      if (stuck.length === 0) return undefined;
      return `calls ${stuck.map((c) => `c${c.index}`).join(', ')} never settled (60 s after the last step; ${stuck.map((c) => `c${c.index}: ${c.attempts} attempt(s)`).join(', ')})`;
    });
  }, TIMEOUT_MS);

  it('settles no call later than one tick past its deadline (wall-clock jumps aside)', async () => {
    await holds((trace) => {
      for (const call of trace.calls) {
        // A wall-clock jump moves now() without firing a timer: no engine can act inside one.
        const allowed = call.deadlineMs + call.jumpedMs + TICK_MS;
        const lived = (call.settledAt ?? Infinity) - call.startedAt;
        if (lived > allowed) {
          return `call c${call.index} lived ${lived} ms, deadline ${call.deadlineMs} ms${call.jumpedMs ? ` (+${call.jumpedMs} ms jumped)` : ''}: ${call.outcome ?? 'never settled'}, ${call.attempts} attempt(s)`;
        }
      }
      return undefined;
    });
  }, TIMEOUT_MS);

  // The one timer an idle engine may hold is a shared deadline timer left to fire (deadline-timer.ts):
  // it goes within one attempt timeout (or the stored-copy lookup's wait, which rides the same
  // timer) and arms nothing, so a stopped worker loses nothing.
  it('leaves no timer pending past the longest attempt timeout (or lookup wait) once every call has settled, and arms none while idle', async () => {
    await holds((trace, scenario) => {
      const longest = Math.max(scenario.policy.timeoutMs, ...scenario.steps.map((s) => (s.kind === 'call' ? (s.options.timeoutMs ?? 0) : 0)), scenario.cache ? STUCK_AFTER_MS : 0);
      const left = trace.timersWhenIdle.find((idle) => idle.pending.some((ms) => ms > longest));
      if (left) return `all calls settled at +${left.at - 1_700_000_000_000} ms with engine timers due in ${left.pending.join(', ')} ms (longest attempt timeout ${longest} ms)`;
      const armed = trace.armedWhileIdle[0];
      return armed && `an engine timer of ${armed.ms} ms was armed at +${armed.at - 1_700_000_000_000} ms with no call open`;
    });
  }, TIMEOUT_MS);
});
