/** cockatiel 4 as its users would write it, on the shared fake transport. */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ExponentialBackoff,
  SamplingBreaker,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleAll,
  handleWhen,
  retry,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { FakeTransport, RETRY_ON, URL_OK, cheapOrigin, expectStatus, isFailureStatus, statusOf, swallow, type Contender } from '../transport.js';

interface CockatielOrigin {
  policy: IPolicy;
  breaker: CircuitBreakerPolicy;
}

/**
 * `wrap(retry, circuitBreaker, bulkhead, timeout)` per origin, as a user would write it:
 * cooperative timeout whose signal is handed to fetch; retry on thrown errors (but not on the
 * breaker's or bulkhead's own rejections) and on retryable statuses, exponential backoff;
 * a SamplingBreaker (failure rate over a window, like ours) that counts thrown errors and
 * failure statuses.
 */
function cockatielPipelineFor(halfOpenAfter: number): CockatielOrigin {
  const retryPolicy = retry(
    handleWhen((e) => !(e instanceof BrokenCircuitError) && !(e instanceof BulkheadRejectedError)).orWhenResult((r) =>
      RETRY_ON.has(statusOf(r)),
    ),
    { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 5_000 }) },
  );
  const breaker = circuitBreaker(handleAll.orWhenResult((r) => isFailureStatus(statusOf(r))), {
    halfOpenAfter,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }),
  });
  const policy = wrap(retryPolicy, breaker, bulkhead(6, 64), timeout(10_000, TimeoutStrategy.Cooperative));
  return { policy, breaker };
}

function cockatielBreakerFor(halfOpenAfter: number): CockatielOrigin {
  const breaker = circuitBreaker(handleAll.orWhenResult((r) => isFailureStatus(statusOf(r))), {
    halfOpenAfter,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000 }),
  });
  return { policy: breaker, breaker };
}

function cockatielClient(t: FakeTransport, make: () => CockatielOrigin) {
  const origins = new Map<string, CockatielOrigin>();
  const forOrigin = (url: string): CockatielOrigin => {
    const origin = cheapOrigin(url);
    let entry = origins.get(origin);
    if (entry === undefined) {
      entry = make();
      origins.set(origin, entry);
    }
    return entry;
  };
  const cfetch = (url: string): Promise<Response> =>
    forOrigin(url).policy.execute(({ signal }) => t.fetch(url, { signal })) as Promise<Response>;
  return { cfetch, forOrigin };
}

export function cockatielPipeline(): Contender {
  const t = new FakeTransport();
  const { cfetch } = cockatielClient(t, () => cockatielPipelineFor(5_000));
  return {
    name: 'cockatiel: wrap(retry, breaker, bulkhead, timeout)',
    kind: 'cockatiel',
    op: () => cfetch(URL_OK),
    verify: async () => expectStatus(await cfetch(URL_OK), 200),
  };
}

export function cockatielBreakerOnly(): Contender {
  const t = new FakeTransport();
  const { cfetch } = cockatielClient(t, () => cockatielBreakerFor(5_000));
  return {
    name: 'cockatiel: circuitBreaker alone',
    kind: 'cockatiel',
    op: () => cfetch(URL_OK),
    verify: async () => expectStatus(await cfetch(URL_OK), 200),
  };
}

/** The full cockatiel pipeline with its breaker tripped by real failures (state Open, not Isolated). */
export async function cockatielOpen(): Promise<Contender> {
  const t = new FakeTransport();
  const { cfetch, forOrigin } = cockatielClient(t, () => cockatielPipelineFor(600_000));
  const { breaker } = forOrigin(URL_OK);
  t.failing = true;
  // Feed failures straight to the breaker (the retry layer would sleep between them). The
  // SamplingBreaker needs its minimum throughput (100 calls over 10 s at threshold 0.5) first.
  for (let i = 0; i < 10_000 && breaker.state !== CircuitState.Open; i++) await breaker.execute(() => t.fetch(URL_OK));
  if (breaker.state !== CircuitState.Open) throw new Error('cockatiel: could not open the breaker');
  return {
    name: 'cockatiel: open → BrokenCircuitError',
    kind: 'cockatiel',
    op: () => cfetch(URL_OK).then(undefined, swallow),
    verify: async () => {
      const before = t.calls;
      try {
        await cfetch(URL_OK);
      } catch (error) {
        if (!(error instanceof BrokenCircuitError)) throw error;
        if (t.calls !== before) throw new Error('cockatiel: open breaker touched the transport');
        return;
      }
      throw new Error('cockatiel: expected BrokenCircuitError');
    },
  };
}
