/**
 * The contenders, each built the way its users would write it, all on the same fake transport:
 * ours here, the peers in peers/ (re-exported), the transport and helpers in transport.ts.
 *
 * The transport is an in-memory `fetch` that resolves a pre-built `Response` at once (no undici,
 * no body, no I/O), so what is left is the cost of the resilience layer itself. Every contender
 * gets its own transport instance of the same class, so a contender can be made to fail (to trip
 * its breaker) without touching the others.
 */
import type { ResilientFetch } from '../../src/core/index.js';
import type { Core } from './load-core.js';
import { cockatielPipeline } from './peers/cockatiel.js';
import { opossumPipeline } from './peers/opossum.js';
import { FakeTransport, URL_OK, expectStatus, swallow, type Contender } from './transport.js';

export { cockatielBreakerOnly, cockatielOpen, cockatielPipeline } from './peers/cockatiel.js';
export { opossumBreakerOnly, opossumOpen, opossumPipeline } from './peers/opossum.js';
export { FakeTransport, URL_OK, cheapOrigin, type Contender, type Op } from './transport.js';

let core: Core | undefined;

/** The engine build to measure (see load-core.ts); must be set before building `ours` contenders. */
export function useCore(mod: Core): void {
  core = mod;
}

function engine(): Core {
  if (core === undefined) throw new Error('useCore() first');
  return core;
}

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
  return successContender(name, core.createResilientFetch({ fetch: t.fetch }), t, URL_OK);
}

/**
 * The call as the service worker makes it: the input is a Request (the FetchEvent's, whose
 * `signal` always exists, so the engine watches it) and a cache is set (so a GET races its stored
 * copy and a 200 is stored). The cache is an in-memory stand-in that finds nothing and stores
 * nothing, but the engine still clones each 200 for it, as it would for IndexedDB.
 */
export function oursWorkerShaped(core: Core = engine(), name = 'ours: worker-shaped (Request input, cache set)'): Contender {
  const t = new FakeTransport();
  const request = new Request(URL_OK);
  const cache = { match: async () => undefined, put: async () => undefined };
  return successContender(name, core.createResilientFetch({ fetch: t.fetch, cache }), t, request);
}

/** Ours on the success path: one call, one transport call, the breaker still closed. */
function successContender(name: string, rf: ReturnType<Core['createResilientFetch']>, t: FakeTransport, input: string | Request): Contender {
  return {
    name,
    kind: 'ours',
    op: () => rf(input),
    verify: async () => {
      const before = t.calls;
      expectStatus(await rf(input), 200);
      if (t.calls !== before + 1) throw new Error('ours: expected exactly one transport call');
      expectBreaker(rf, 'closed');
    },
  };
}

/**
 * The cheapest configuration that still has a breaker: no retries (so no body planning and no
 * backoff), no attempt timer (timeoutMs and deadlineMs Infinity: the engine skips setTimeout for
 * anything past 2^31-1 ms), no fallback, no adaptive throttle (a second breaker of its own kind).
 * The bulkhead cannot be turned off; it is a counter.
 */
export function oursBreakerOnly(core: Core = engine(), name = 'ours: breaker only (no retry/timer)'): Contender {
  const t = new FakeTransport();
  const rf = core.createResilientFetch({
    fetch: t.fetch,
    policy: { defaults: { timeoutMs: Infinity, deadlineMs: Infinity, fallback: 'none', retry: { maxRetries: 0 }, throttle: false } },
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
