import fc from 'fast-check';
import type { Reply } from '../fakes.js';

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
  /** An in-memory fallback cache: GETs store their answers, fall back to them and race them (staleAfterMs). */
  cache: boolean;
}

export interface ScenarioPolicy {
  timeoutMs: number;
  deadlineMs: number;
  staleAfterMs: number;
  breaker: { windowMs: number; minimumCalls: number; failureRateThreshold: number; slowCallMs: number; slowCallRateThreshold: number; openMs: number; maxOpenMs: number; halfOpenProbes: number };
  concurrency: { maxInFlight: number; maxQueue: number };
  retry: { maxRetries: number; baseDelayMs: number; maxDelayMs: number; jitter: 'full' | 'decorrelated' | 'none'; maxRetryAfterMs: number; budgetRatio: number; budgetReserve: number };
  rateLimit: false | { perSecond: number; burst: number };
  throttle: false | { k: number; windowMs: number };
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
  | { kind: 'hang' }
  /** The transport throws instead of returning a promise (nothing is sent; the call rejects with it). */
  | { kind: 'throw' }
  /** The transport resolves with undefined (a wrapper that forgot its return; the call rejects). */
  | { kind: 'nothing' };

/** Mostly quick answers, some slow enough to time out or count as slow calls. */
const latencyArb = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 100 }) }, { weight: 1, arbitrary: fc.integer({ min: 100, max: 900 }) });
const serverDelayArb = fc.record({ header: fc.constantFrom('seconds' as const, 'date' as const, 'ratelimit' as const), seconds: fc.integer({ min: 0, max: 2 }) });
const replyArb: fc.Arbitrary<ReplySpec> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(200, 200, 200, 404, 500, 503), delayMs: latencyArb }) },
  // Pushback: 429 or 503 with a server delay, which pauses the whole origin.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('status' as const), status: fc.constantFrom(429, 503), delayMs: latencyArb, serverDelay: serverDelayArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'network-error' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'throw' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'nothing' as const }) },
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
  staleAfterMs: fc.integer({ min: 0, max: 800 }),
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
    budgetReserve: fc.integer({ min: 0, max: 3 }),
  }),
  // Off in most runs; when on, tight enough to refuse some calls and delay some retries.
  rateLimit: fc.oneof({ weight: 3, arbitrary: fc.constant(false as const) }, { weight: 1, arbitrary: fc.record({ perSecond: fc.integer({ min: 1, max: 20 }), burst: fc.integer({ min: 1, max: 5 }) }) }),
  throttle: fc.oneof({ weight: 3, arbitrary: fc.constant(false as const) }, { weight: 1, arbitrary: fc.record({ k: fc.constantFrom(1.1, 1.5, 2), windowMs: fc.integer({ min: 500, max: 5_000 }) }) }),
});

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  policy: policyArb,
  steps: fc.array(stepArb, { minLength: 1, maxLength: 30, size: 'medium' }),
  randomSeed: fc.integer(),
  listenerThrows: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
  cache: fc.boolean(),
});

/** What the call scripted for its attempt `n` (0-based; the last reply repeats). */
export function specFor(step: Extract<Step, { kind: 'call' }>, n: number): ReplySpec {
  return step.replies[Math.min(n, step.replies.length - 1)]!;
}

/** What the upstream answers to attempt `n` of a call, as its step scripted (a date relative to `now`). */
export function replyFor(step: Extract<Step, { kind: 'call' }>, n: number, now: number): Reply {
  const spec = specFor(step, n);
  if (spec.kind === 'hang' || spec.kind === 'throw' || spec.kind === 'nothing') return 'hang'; // these never reach the upstream (see simulation.ts)
  if (spec.kind === 'network-error') return 'network-error';
  const headers: Record<string, string> = {};
  const asked = spec.serverDelay;
  if (asked?.header === 'seconds') headers['Retry-After'] = String(asked.seconds);
  if (asked?.header === 'date') headers['Retry-After'] = new Date(now + asked.seconds * 1000).toUTCString();
  if (asked?.header === 'ratelimit') headers.RateLimit = `"default";r=0;t=${asked.seconds}`;
  return { status: spec.status, headers, delayMs: spec.delayMs };
}
