import fc from 'fast-check';
import { createResilientFetch, describeResponse, type Clock, type ResilienceEvent } from '../../../../src/core/index.js';
import { A, FakeClock, FakeTransport, type Reply } from '../fakes.js';

/**
 * A random afternoon for one origin: a policy, then a schedule of arrivals, waits, wall-clock
 * jumps and caller aborts; each call scripts what the upstream answers to each of its attempts.
 * Small on purpose (a few calls, a few seconds): the bugs live in interleavings, not in volume,
 * and fast-check shrinks small cases to readable ones.
 */
export interface Scenario {
  policy: ScenarioPolicy;
  steps: Step[];
  /** Seeds the engine's `random` (jitter). */
  randomSeed: number;
  /** For a throwing listener: the n-th event of a type throws when `listenerThrows[n % length]`. */
  listenerThrows: boolean[];
}

export interface ScenarioPolicy {
  timeoutMs: number;
  deadlineMs: number;
  breaker: { windowMs: number; minimumCalls: number; failureRateThreshold: number; slowCallMs: number; slowCallRateThreshold: number; openMs: number; maxOpenMs: number; halfOpenProbes: number };
  concurrency: { maxInFlight: number; maxQueue: number };
  retry: { maxRetries: number; baseDelayMs: number; maxDelayMs: number; jitter: 'full' | 'decorrelated' | 'none'; maxRetryAfterMs: number; budgetRatio: number; budgetMinPerSecond: number };
}

export type Step =
  | { kind: 'call'; method: 'GET' | 'POST'; options: { retries?: number; timeoutMs?: number; deadlineMs?: number }; replies: ReplySpec[] }
  /** Time passes: timers fire in order. */
  | { kind: 'wait'; ms: number }
  /** The wall clock jumps ahead (a laptop waking up): `now()` moves, timers do not fire early. */
  | { kind: 'jump'; ms: number }
  /** The caller aborts the `target`-th call made so far (modulo their number). */
  | { kind: 'abort'; target: number };

export type ReplySpec =
  | { kind: 'status'; status: number; delayMs: number; serverDelay?: { header: 'seconds' | 'date' | 'ratelimit'; seconds: number } }
  | { kind: 'network-error' }
  | { kind: 'hang' };

/** Mostly quick answers, some slow enough to time out or count as slow calls. */
const latencyArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 900 }) });
const serverDelayArb = fc.record({ header: fc.constantFrom('seconds' as const, 'date' as const, 'ratelimit' as const), seconds: fc.integer({ min: 0, max: 2 }) });
const replyArb: fc.Arbitrary<ReplySpec> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(200, 200, 200, 404, 500, 503), delayMs: latencyArb }) },
  // Pushback: 429 or 503 with a server delay, which pauses the whole origin.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(429, 503), delayMs: latencyArb, serverDelay: serverDelayArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'network-error' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
);

const callArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constant('call' as const),
  method: fc.constantFrom('GET' as const, 'GET' as const, 'GET' as const, 'POST' as const),
  options: fc.record({ retries: fc.integer({ min: 0, max: 3 }), timeoutMs: fc.integer({ min: 1, max: 600 }), deadlineMs: fc.integer({ min: 1, max: 2_000 }) }, { requiredKeys: [] }),
  replies: fc.array(replyArb, { minLength: 1, maxLength: 4 }),
});

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: callArb },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: 1, max: 5_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), target: fc.nat(20) }) },
);

const policyArb: fc.Arbitrary<ScenarioPolicy> = fc.record({
  timeoutMs: fc.integer({ min: 20, max: 600 }),
  deadlineMs: fc.integer({ min: 50, max: 2_000 }),
  breaker: fc.record({
    windowMs: fc.integer({ min: 500, max: 5_000 }),
    minimumCalls: fc.integer({ min: 1, max: 8 }),
    failureRateThreshold: fc.constantFrom(0.25, 0.5, 1),
    slowCallMs: fc.integer({ min: 50, max: 1_000 }),
    slowCallRateThreshold: fc.constantFrom(0.5, 1),
    openMs: fc.integer({ min: 50, max: 1_000 }),
    maxOpenMs: fc.integer({ min: 1_000, max: 4_000 }),
    halfOpenProbes: fc.integer({ min: 1, max: 2 }),
  }),
  concurrency: fc.record({ maxInFlight: fc.integer({ min: 1, max: 3 }), maxQueue: fc.integer({ min: 0, max: 3 }) }),
  retry: fc.record({
    maxRetries: fc.integer({ min: 0, max: 3 }),
    baseDelayMs: fc.integer({ min: 0, max: 100 }),
    maxDelayMs: fc.integer({ min: 100, max: 400 }),
    jitter: fc.constantFrom('full' as const, 'decorrelated' as const, 'none' as const),
    maxRetryAfterMs: fc.integer({ min: 0, max: 3_000 }),
    budgetRatio: fc.constantFrom(0, 0.1, 0.2, 0.5),
    budgetMinPerSecond: fc.integer({ min: 0, max: 3 }),
  }),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: policyArb,
  steps: fc.array(stepArb, { minLength: 1, maxLength: 30, size: 'medium' }),
  randomSeed: fc.integer(),
  listenerThrows: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
});

// ---------------------------------------------------------------------------------------------

/** What one call did, seen from outside. */
export interface CallRecord {
  index: number;
  method: 'GET' | 'POST';
  startedAt: number;
  deadlineMs: number;
  maxAttempts: number;
  /** Requests that reached the transport for this call. */
  attempts: number;
  /** Wall-clock jumps while the call was open (time it could not observe). */
  jumpedMs: number;
  settledAt?: number;
  outcome?: string;
}

/** Everything the invariants are judged on. */
export interface Trace {
  calls: CallRecord[];
  /** Broken instant invariants, each with where and when. */
  violations: { invariant: 'in-flight' | 'queued' | 'breaker-open' | 'paused'; at: number; detail: string }[];
  /** Requests the upstream saw. */
  upstream: number;
  /** calls × (1 + budgetRatio) + the floor's tokens over the run (see budgetBound). */
  budgetBound: number;
  /** Engine timers still pending each time every call made so far had settled. */
  timersWhenIdle: { at: number; pending: number[] }[];
  /** How many events of each type the engine emitted (to see what the scenarios reach). */
  events: Record<string, number>;
  /** Errors thrown by our onEvent. */
  listenerErrors: number;
  /** Errors that escaped from an engine timer callback to the event loop (a crash in Node). */
  uncaught: string[];
  /** Errors rf.snapshot() threw at us (a listener error escaping through the state API). */
  snapshotErrors: string[];
}

/** Runs a scenario through the public API on the fake clock and transport, observing as it goes. */
export async function simulate(scenario: Scenario, listener: 'quiet' | 'throwing'): Promise<Trace> {
  const { policy, steps } = scenario;
  const fake = new FakeClock();
  const trace: Trace = { calls: [], violations: [], upstream: 0, budgetBound: 0, timersWhenIdle: [], events: {}, listenerErrors: 0, uncaught: [], snapshotErrors: [] };

  // The engine's clock: the fake one plus wall-clock jumps, with its own timers tracked so we can
  // tell them from the transport's.
  let skew = 0;
  const engineTimers = new Map<unknown, number>();
  const now = () => fake.now() + skew;
  const clock: Clock = {
    now,
    setTimeout(fn, ms) {
      const handle: unknown = fake.setTimeout(() => {
        engineTimers.delete(handle);
        try {
          fn();
        } catch (error) {
          trace.uncaught.push(`timer of ${ms} ms threw ${String(error)}`);
        }
      }, ms);
      engineTimers.set(handle, ms);
      return handle;
    },
    clearTimeout(handle) {
      engineTimers.delete(handle);
      fake.clearTimeout(handle);
    },
  };

  const transport = new FakeTransport(fake).reply((request, n) => replyFor(scenario, request.url, n, now()));
  const attemptsByCall = new Map<string, number>();
  let inFlight = 0;
  let firstCallAt: number | undefined;
  let lastRequestAt = 0;
  const observe = (where: string, leaving: boolean) => {
    const at = now();
    let snap;
    try {
      snap = rf.snapshot()[0];
    } catch (error) {
      trace.snapshotErrors.push(`${where}: ${String(error)}`); // judged by the listener properties
      return;
    }
    if (snap === undefined) return;
    const { maxInFlight, maxQueue } = policy.concurrency;
    if (snap.inFlight > maxInFlight) trace.violations.push({ invariant: 'in-flight', at, detail: `${where}: snapshot inFlight ${snap.inFlight} > maxInFlight ${maxInFlight}` });
    if (inFlight > maxInFlight) trace.violations.push({ invariant: 'in-flight', at, detail: `${where}: ${inFlight} requests at the transport > maxInFlight ${maxInFlight}` });
    if (snap.queued > maxQueue) trace.violations.push({ invariant: 'queued', at, detail: `${where}: queued ${snap.queued} > maxQueue ${maxQueue}` });
    if (!leaving) return;
    if (snap.breaker.state === 'open') trace.violations.push({ invariant: 'breaker-open', at, detail: `${where} while the breaker is open until ${snap.breaker.openUntil! - at} ms from now` });
    if (snap.pausedUntil !== null) trace.violations.push({ invariant: 'paused', at, detail: `${where} while the origin is paused for ${snap.pausedUntil - at} more ms` });
  };
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    attemptsByCall.set(url, (attemptsByCall.get(url) ?? 0) + 1);
    trace.upstream++;
    lastRequestAt = now();
    inFlight++;
    observe(`request ${trace.upstream} (${url.slice(A.length)}) left`, true);
    const answer = transport.fetch(input, init);
    answer.then(
      () => inFlight--,
      () => inFlight--,
    );
    return answer;
  };

  const typeCounts = new Map<string, number>();
  const onEvent = (event: ResilienceEvent) => {
    const kind = event.type === 'breaker' ? `breaker-${event.to}` : event.type === 'rejected' || event.type === 'failed' ? `${event.type}-${event.reason}` : event.type;
    trace.events[kind] = (trace.events[kind] ?? 0) + 1;
    if (listener === 'quiet') return;
    const n = typeCounts.get(event.type) ?? 0;
    typeCounts.set(event.type, n + 1);
    if (scenario.listenerThrows[n % scenario.listenerThrows.length]) {
      trace.listenerErrors++;
      throw new Error(`listener fault on ${event.type} #${n}`);
    }
  };

  const rf = createResilientFetch({ fetch, clock, random: mulberry32(scenario.randomSeed), onEvent, policy: { defaults: policy } });
  const controllers: AbortController[] = [];
  let open = 0;
  const settle = (call: CallRecord, outcome: string) => {
    call.settledAt = now();
    call.outcome = outcome;
    call.attempts = attemptsByCall.get(`${A}/c${call.index}`) ?? 0;
    if (--open === 0) trace.timersWhenIdle.push({ at: now(), pending: [...engineTimers.values()] });
  };

  const step = async (s: Step) => {
    if (s.kind === 'wait') await fake.advance(s.ms);
    else if (s.kind === 'jump') {
      skew += s.ms;
      for (const call of trace.calls) if (call.settledAt === undefined) call.jumpedMs += s.ms;
    } else if (s.kind === 'abort') {
      if (controllers.length > 0) controllers[s.target % controllers.length]!.abort();
      await flushFew();
    } else {
      const index = trace.calls.length;
      const retries = s.method === 'POST' ? 0 : (s.options.retries ?? policy.retry.maxRetries);
      const call: CallRecord = { index, method: s.method, startedAt: now(), deadlineMs: s.options.deadlineMs ?? policy.deadlineMs, maxAttempts: 1 + retries, attempts: 0, jumpedMs: 0 };
      firstCallAt ??= call.startedAt;
      trace.calls.push(call);
      const controller = new AbortController();
      controllers.push(controller);
      open++;
      rf(`${A}/c${index}`, { method: s.method, signal: controller.signal, resilience: s.options }).then(
        (res) => {
          const d = describeResponse(res);
          settle(call, `${res.status} ${d.source}${d.reason ? ` ${d.reason}` : ''} attempts=${d.attempts ?? 1}`);
        },
        (error: unknown) => settle(call, `threw ${error instanceof Error ? error.name : typeof error}: ${error instanceof Error ? error.message.replace(/https?:\/\/\S+/, '<url>') : String(error)}`),
      );
      await flushFew();
    }
    observe(`after ${s.kind}`, false);
  };

  for (const s of steps) await step(s);
  // Long enough for every deadline, pause and open period to pass; idle time costs nothing.
  await fake.advance(60_000);
  for (const call of trace.calls) if (call.settledAt === undefined) call.attempts = attemptsByCall.get(`${A}/c${call.index}`) ?? 0;

  const { budgetRatio, budgetMinPerSecond } = policy.retry;
  trace.budgetBound = budgetBound(trace.calls.length, budgetRatio, budgetMinPerSecond, lastRequestAt - (firstCallAt ?? 0));
  return trace;
}

/**
 * The most requests the retry budget lets through (src/core/retry-budget.ts). Retries taken from
 * the ratio are counted in the same window as the calls, so over any run they total at most
 * budgetRatio × calls (by induction over windows: those before the current window are bounded
 * by the calls before it, those inside by the calls inside). The floor is a token bucket of
 * budgetMinPerSecond tokens refilled at budgetMinPerSecond a second, so over `elapsedMs` it gives
 * at most budgetMinPerSecond × (1 + elapsed seconds): per window of W seconds, ×W, as promised.
 */
export function budgetBound(calls: number, ratio: number, minPerSecond: number, elapsedMs: number): number {
  return calls + Math.floor(calls * ratio) + Math.floor(minPerSecond * (1 + Math.max(0, elapsedMs) / 1_000));
}

function replyFor(scenario: Scenario, url: string, n: number, now: number): Reply {
  const index = Number(url.slice(url.lastIndexOf('/c') + 2));
  const step = scenario.steps.filter((s) => s.kind === 'call')[index];
  if (step === undefined || step.kind !== 'call') return { status: 200 };
  const spec = step.replies[Math.min(n, step.replies.length - 1)]!;
  if (spec.kind === 'hang') return 'hang';
  if (spec.kind === 'network-error') return 'network-error';
  const headers: Record<string, string> = {};
  const asked = spec.serverDelay;
  if (asked?.header === 'seconds') headers['Retry-After'] = String(asked.seconds);
  if (asked?.header === 'date') headers['Retry-After'] = new Date(now + asked.seconds * 1000).toUTCString();
  if (asked?.header === 'ratelimit') headers.RateLimit = `"default";r=0;t=${asked.seconds}`;
  return { status: spec.status, headers, delayMs: spec.delayMs };
}

/**
 * Lets the promise chains a step started run on before time moves: microtask turns, not
 * macrotasks (each setImmediate is a trip through the event loop, which on the loaded machine
 * was most of the wall time). A chain longer than this just continues after the next step, an
 * ordering real traffic can produce too.
 */
async function flushFew(): Promise<void> {
  for (let i = 0; i < 16; i++) await Promise.resolve();
}

/** A small seeded generator: the engine's jitter is random but repeatable. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
