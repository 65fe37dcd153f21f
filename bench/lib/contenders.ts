/**
 * The contenders, each built the way its users would write it, all on the same fake transport.
 *
 * The transport is an in-memory `fetch` that resolves a pre-built `Response` at once (no undici,
 * no body, no I/O), so what is left is the cost of the resilience layer itself. Every contender
 * gets its own transport instance of the same class, so a contender can be made to fail (to trip
 * its breaker) without touching the others.
 */
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
import CircuitBreaker from 'opossum';
import type { ResilientFetch } from '../../src/core/index.js';
import type { Core } from './load-core.js';

let core: Core | undefined;

/** The engine build to measure (see load-core.ts); must be set before building `ours` contenders. */
export function useCore(mod: Core): void {
  core = mod;
}

function engine(): Core {
  if (core === undefined) throw new Error('useCore() first');
  return core;
}

export type Op = () => Promise<unknown>;

export interface Contender {
  /** Row label. */
  name: string;
  /** Which family it belongs to, for ratios: bare | ours | cockatiel | opossum. */
  kind: 'bare' | 'ours' | 'cockatiel' | 'opossum';
  op: Op;
  /** Checked once before timing: throws if the op does not do what the scenario claims. */
  verify: () => Promise<void>;
  /** Frees timers (opossum keeps intervals per breaker). */
  dispose?: () => void;
}

export const URL_OK = 'https://api.example.com/v1/items?page=1';

// Built once, returned to every call: a body-less Response can be handed out any number of times.
const OK = new Response(null, { status: 200, statusText: 'OK' });
const FAIL = new Response(null, { status: 500, statusText: 'Internal Server Error' });

export class FakeTransport {
  failing = false;
  calls = 0;
  readonly fetch = (_input: RequestInfo | URL, _init?: RequestInit): Promise<Response> => {
    this.calls++;
    return Promise.resolve(this.failing ? FAIL : OK);
  };
}

const RETRY_ON = new Set([408, 429, 500, 502, 503, 504]);
const isFailureStatus = (s: number) => (s >= 500 && s !== 501) || s === 408 || s === 429;
const statusOf = (r: unknown) => (r as Response).status;

/**
 * The origin of an absolute URL, for the peers' per-origin Map. Users would typically write
 * `new URL(url).origin` (about 1 µs); we give the peers a cheap slice instead so the comparison
 * is about the resilience mechanics, not URL parsing. (Ours does its own, memoized.)
 */
export function cheapOrigin(url: string): string {
  const end = url.indexOf('/', url.indexOf('://') + 3);
  return end === -1 ? url : url.slice(0, end);
}

const swallow = () => undefined;

// ---------------------------------------------------------------------------------------------
// bare

export function bare(): Contender {
  const t = new FakeTransport();
  return {
    name: 'bare fake fetch',
    kind: 'bare',
    op: () => t.fetch(URL_OK),
    verify: async () => expectStatus(await t.fetch(URL_OK), 200),
  };
}

// ---------------------------------------------------------------------------------------------
// ours

/** The full pipeline with the default policy: breaker + bulkhead + timeout + budgeted retry. */
export function oursPipeline(core: Core = engine(), name = 'ours: createResilientFetch (defaults)'): Contender {
  const t = new FakeTransport();
  const rf = core.createResilientFetch({ fetch: t.fetch });
  return {
    name,
    kind: 'ours',
    op: () => rf(URL_OK),
    verify: async () => {
      const before = t.calls;
      expectStatus(await rf(URL_OK), 200);
      if (t.calls !== before + 1) throw new Error('ours: expected exactly one transport call');
      expectBreaker(rf, 'closed');
    },
  };
}

/**
 * The cheapest configuration that still has a breaker: no retries (so no body planning and no
 * backoff), no attempt timer (timeoutMs and deadlineMs Infinity: the engine skips setTimeout for
 * anything past 2^31-1 ms), no fallback. The bulkhead cannot be turned off; it is a counter.
 */
export function oursBreakerOnly(core: Core = engine(), name = 'ours: breaker only (no retry/timer)'): Contender {
  const t = new FakeTransport();
  const rf = core.createResilientFetch({
    fetch: t.fetch,
    policy: { defaults: { timeoutMs: Infinity, deadlineMs: Infinity, fallback: 'none', retry: { maxRetries: 0 } } },
  });
  return {
    name,
    kind: 'ours',
    op: () => rf(URL_OK),
    verify: async () => {
      expectStatus(await rf(URL_OK), 200);
      expectBreaker(rf, 'closed');
    },
  };
}

const THROW_ON_REJECT = { resilience: { throwOnReject: true } } as const;
const NO_RETRY = { resilience: { retries: 0 } } as const;

/** The default pipeline with the breaker tripped (a long open period so it stays open). */
export async function oursOpen(): Promise<{ synthetic: Contender; thrown: Contender }> {
  const t = new FakeTransport();
  const rf = engine().createResilientFetch({
    fetch: t.fetch,
    policy: { defaults: { breaker: { openMs: 600_000, maxOpenMs: 600_000 } } },
  });
  t.failing = true;
  for (let i = 0; i < 1000 && rf.snapshot()[0]?.breaker.state !== 'open'; i++) await rf(URL_OK, NO_RETRY);
  expectBreaker(rf, 'open');
  const calls = () => t.calls;
  return {
    synthetic: {
      name: 'ours: open → synthetic 503',
      kind: 'ours',
      op: () => rf(URL_OK),
      verify: async () => {
        const before = calls();
        const res = await rf(URL_OK);
        expectStatus(res, 503);
        if (res.headers.get('x-resilience-reason') !== 'circuit-open') throw new Error('ours: expected circuit-open');
        if (calls() !== before) throw new Error('ours: open breaker touched the transport');
      },
    },
    thrown: {
      name: 'ours: open → throwOnReject',
      kind: 'ours',
      op: () => rf(URL_OK, THROW_ON_REJECT).then(undefined, swallow),
      verify: async () => {
        try {
          await rf(URL_OK, THROW_ON_REJECT);
        } catch (error) {
          if (error instanceof engine().ResilienceError && error.reason === 'circuit-open') return;
          throw error;
        }
        throw new Error('ours: expected ResilienceError');
      },
    },
  };
}

function expectBreaker(rf: ResilientFetch, state: string): void {
  const got = rf.snapshot()[0]?.breaker.state;
  if (got !== state) throw new Error(`ours: breaker is ${String(got)}, expected ${state}`);
}

// ---------------------------------------------------------------------------------------------
// cockatiel 4

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

// ---------------------------------------------------------------------------------------------
// opossum 10

type OpossumBreaker = CircuitBreaker<[string], Response>;

function opossumClient(t: FakeTransport, options: CircuitBreaker.Options) {
  const breakers = new Map<string, OpossumBreaker>();
  // What users write: the action throws on a failure status so the breaker counts it.
  const action = async (url: string): Promise<Response> => {
    const res = await t.fetch(url);
    if (isFailureStatus(res.status)) throw new Error(`HTTP ${res.status}`);
    return res;
  };
  const forOrigin = (url: string): OpossumBreaker => {
    const origin = cheapOrigin(url);
    let breaker = breakers.get(origin);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(action, options);
      breakers.set(origin, breaker);
    }
    return breaker;
  };
  const ofetch = (url: string): Promise<Response> => forOrigin(url).fire(url);
  const dispose = () => {
    for (const b of breakers.values()) b.shutdown();
  };
  return { ofetch, forOrigin, dispose };
}

const OPOSSUM_PIPELINE: CircuitBreaker.Options = {
  timeout: 10_000,
  errorThresholdPercentage: 50,
  resetTimeout: 5_000,
  rollingCountTimeout: 10_000,
  rollingCountBuckets: 10,
  volumeThreshold: 10,
  capacity: 6,
};

export function opossumPipeline(): Contender {
  const t = new FakeTransport();
  const { ofetch, dispose } = opossumClient(t, OPOSSUM_PIPELINE);
  return {
    name: 'opossum: breaker + timeout + capacity',
    kind: 'opossum',
    op: () => ofetch(URL_OK),
    verify: async () => expectStatus(await ofetch(URL_OK), 200),
    dispose,
  };
}

export function opossumBreakerOnly(): Contender {
  const t = new FakeTransport();
  const { ofetch, dispose } = opossumClient(t, { ...OPOSSUM_PIPELINE, timeout: false, capacity: undefined });
  return {
    name: 'opossum: breaker alone (timeout: false)',
    kind: 'opossum',
    op: () => ofetch(URL_OK),
    verify: async () => expectStatus(await ofetch(URL_OK), 200),
    dispose,
  };
}

export function opossumOpen(): Contender {
  const t = new FakeTransport();
  const { ofetch, forOrigin, dispose } = opossumClient(t, { ...OPOSSUM_PIPELINE, resetTimeout: 600_000 });
  forOrigin(URL_OK).open();
  return {
    name: 'opossum: open → OpenCircuitError',
    kind: 'opossum',
    op: () => ofetch(URL_OK).then(undefined, swallow),
    verify: async () => {
      const before = t.calls;
      try {
        await ofetch(URL_OK);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EOPENBREAKER') throw error;
        if (t.calls !== before) throw new Error('opossum: open breaker touched the transport');
        return;
      }
      throw new Error('opossum: expected EOPENBREAKER');
    },
    dispose,
  };
}

function expectStatus(res: Response, status: number): void {
  if (res.status !== status) throw new Error(`expected status ${status}, got ${res.status}`);
}

/** A contender by a short name (bench:profile's argument). */
export async function contenderByName(name: string): Promise<Contender> {
  switch (name) {
    case 'pipeline':
      return oursPipeline();
    case 'breaker':
      return oursBreakerOnly();
    case 'open503':
      return (await oursOpen()).synthetic;
    case 'openThrow':
      return (await oursOpen()).thrown;
    case 'cockatiel':
      return cockatielPipeline();
    case 'opossum':
      return opossumPipeline();
    case 'bare':
      return bare();
    default:
      throw new TypeError(`unknown contender ${JSON.stringify(name)}`);
  }
}
