import {
  BrokenCircuitError,
  ExponentialBackoff,
  SamplingBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
} from 'cockatiel';
import { isFailureStatus, RETRY_ON } from '../../../lib/transport.js';
import { readJson, type ScorecardClient } from '../client.js';

/**
 * cockatiel 4, composed as its README suggests and as bench/lib/contenders.ts does for the core
 * benchmark (minus the bulkhead): a SamplingBreaker (opens at ≥ 50% failures over 10 s,
 * half-open after 10 s) counting thrown errors and failure statuses, a 10 s cooperative timeout
 * per attempt, and for idempotent calls (GETs and POSTs with an Idempotency-Key) a retry of up
 * to 2 more attempts with exponential backoff (100 ms … 5 s) on errors and retryable statuses,
 * never on the breaker's own refusal. Plain POSTs get breaker + timeout only.
 */
interface Read {
  status: number;
  body: unknown;
}

const breaker = circuitBreaker(handleAll.orWhenResult((r) => isFailureStatus((r as Read).status)), {
  halfOpenAfter: 10_000,
  breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }),
});
const attempt = wrap(breaker, timeout(10_000, TimeoutStrategy.Cooperative));
const retried = wrap(
  retry(handleWhen((e) => !(e instanceof BrokenCircuitError)).orWhenResult((r) => RETRY_ON.has((r as Read).status)), {
    maxAttempts: 2,
    backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000 }),
  }),
  attempt,
);

export const cockatielClient: ScorecardClient = {
  async setup() {},
  async call(call, init) {
    const policy = call.kind === 'plain-post' ? attempt : retried;
    // The body is read inside the policy: cockatiel aborts the timeout's signal once the
    // execution returns, which would cut a body read after it.
    return policy.execute(async ({ signal }): Promise<Read> => {
      const res = await fetch(call.path, { ...init, signal });
      return { status: res.status, body: await readJson(res) };
    });
  },
};
