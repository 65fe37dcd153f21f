import { ATTEMPTS_MADE } from '../../core/attempt.js';
import { ATTEMPTS, SOURCE } from '../../core/headers.js';

/**
 * What one send through the engine sent to the network, as describeResponse counts it anywhere
 * else: the X-Resilience-Attempts of its answer (1 for one passed through untouched, 0 for a
 * local refusal), or what the engine's error says it made. The outbox counted sends instead, so a
 * 202 whose first send was tried three times said 1, and so did one queued offline, never sent.
 * An error the engine did not mark (a transport's own) was one attempt.
 */
export function attemptsOf(outcome: Response | Error): number {
  if (!(outcome instanceof Response)) return (outcome as { [ATTEMPTS_MADE]?: number })[ATTEMPTS_MADE] ?? 1;
  const headers = outcome.headers;
  return Number(headers.get(ATTEMPTS) ?? +!headers.has(SOURCE)); // no header of ours: the network's first answer, 1
}
