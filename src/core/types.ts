import type { Attributes, Context } from '@opentelemetry/api';
import type { FallbackMode, PolicyConfig } from './policy-types.js';
export type { Jitter, FallbackMode, FallbackPolicy, OutboxPolicy, BreakerPolicy, RetryPolicy, OriginPolicy, DeepPartial, PolicyOverride, PolicyConfig } from './policy-types.js';

/**
 * What the engine needs from tracing, built by the telemetry entry (`engineTracing(tracer)`), so
 * that core holds only this interface: an app that does not trace ships no span-building code
 * and no `@opentelemetry/api` (core imports its types only).
 */
export interface TracingPort {
  /** The caller's context now (zone.js in a page). */
  active(): Context;
  /** Reads a context from incoming headers (the page's `traceparent` in the worker). */
  extract(headers: Headers): Context;
  /** Starts one call's span (undefined when the tracer failed: the call goes on untraced). */
  startCall(parent: Context | undefined, method: string, safeUrl: string): CallTrace | undefined;
}

export type CallOutcome = 'fresh' | 'retried' | 'stale' | 'rejected' | 'failed' | 'aborted' | 'fallback' | 'queued';

/**
 * One call's span and its attempts' spans. An implementation never throws: a tracer that does
 * is isolated there, so tracing can never break a call.
 */
export interface CallTrace {
  ids(): { traceId?: string; spanId?: string };
  event(name: string, attributes: Attributes): void;
  set(attributes: Attributes): void;
  outcome(outcome: CallOutcome, reason?: ResilienceReason): void;
  startAttempt(method: string, url: string, safeUrl: string, resend: number): AttemptTrace | undefined;
  /** Ends the call span; `error` set means the call threw something other than a verdict. */
  end(attributes: Attributes, error?: unknown): void;
}

export interface AttemptTrace {
  /** Writes the attempt's trace context (`traceparent`) into `headers`. */
  inject(headers: Headers): void;
  end(status: number | undefined, errorType: string | undefined, aborted: boolean): void;
}

/** Time source. Injected so tests drive every time-based behaviour exactly. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}


/** Per-call options, `init.resilience`: each overrides the origin's policy for this call; validated like it. */
export interface CallOptions {
  /** Per attempt. (the policy's `timeoutMs`: 10_000) */
  timeoutMs?: number;
  /** Whole call; 0 or less means already past: a local `deadline` rejection. (the policy's `deadlineMs`: 30_000) */
  deadlineMs?: number;
  /** Retries for this call. (the policy's `retry.maxRetries`: 2) */
  retries?: number;
  /** The stored copy, or nothing. (the policy's `fallback`: 'cache') */
  fallback?: FallbackMode;
  /** Oldest stored response that may be served. (the policy's `maxStaleMs`: 86_400_000) */
  maxStaleMs?: number;
  /** Allow retrying a method that is not idempotent. (false) */
  idempotent?: boolean;
  /** Send straight through: no breaker, no queue, no retry, no fallback. (false) */
  bypass?: boolean;
  /** Throw ResilienceError instead of resolving with a synthetic response. (false) */
  throwOnReject?: boolean;
  /** Queue this write in the worker's outbox when it cannot be delivered now. (the policy's `outbox`: false) */
  outbox?: boolean;
  /** Answer from a stored copy after this long without a network answer (GET only). (the policy's `staleAfterMs`: 3_000) */
  staleAfterMs?: number;
  /** Parent span context; the worker passes the page's. (the active context) */
  traceContext?: Context;
}

export type ResilientRequestInit = RequestInit & {
  /** This call's own options, over its origin's policy. (none: the policy decides) */
  resilience?: CallOptions;
};

export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why a fallback or synthetic response was served. */
export type RejectReason =
  | 'circuit-open'
  | 'queue-full'
  | 'rate-limited'
  | 'throttled'
  | 'paused'
  | 'deadline'
  | 'offline';

export type FailureReason = 'budget-exhausted' | 'timeout' | 'network-error' | 'upstream-error' | 'deadline';

/** `slow`: a stored copy answered while the network was still working (stale-while-waiting); `queued`: the outbox took the write. */
export type ResilienceReason = RejectReason | FailureReason | 'slow' | 'queued';

export type ResponseSource = 'network' | 'cache' | 'synthetic' | 'fallback' | 'outbox';

export type ResilienceEvent =
  | { type: 'breaker'; origin: string; at: number; from: BreakerState; to: BreakerState; openUntil?: number }
  | { type: 'retry'; origin: string; at: number; url: string; attempt: number; delayMs: number; cause: string; traceId?: string; spanId?: string }
  | { type: 'rejected'; origin: string; at: number; url: string; reason: RejectReason; traceId?: string; spanId?: string }
  | { type: 'fallback'; origin: string; at: number; url: string; reason: ResilienceReason; ageMs: number; traceId?: string; spanId?: string }
  | { type: 'failed'; origin: string; at: number; url: string; reason: FailureReason; attempts: number; traceId?: string; spanId?: string }
  | { type: 'paused'; origin: string; at: number; until: number }
  | { type: 'evicted'; origin: string; at: number }
  /** A call answered early from its stored copy (stale-while-waiting) got its late answer; sent once that answer's write into the store has ended. */
  | { type: 'refreshed'; origin: string; at: number; url: string; status: number }
  /** Something of ours or of the app's failed and was isolated: the call went on without it. */
  | { type: 'degraded'; origin?: string; at: number; component: 'listener' | 'tracer' | 'cache' | 'state-store' | 'fallback-handler' | 'outbox'; message: string };

export interface BreakerSnapshot {
  state: BreakerState;
  calls: number;
  failures: number;
  slowCalls: number;
  failureRate: number;
  slowCallRate: number;
  /** When an open breaker lets its first probe through. */
  openUntil: number | null;
  /** The open period the next trip will use. */
  openMs: number;
  probesInFlight: number;
}

export interface OriginSnapshot {
  origin: string;
  breaker: BreakerSnapshot;
  inFlight: number;
  queued: number;
  maxInFlight: number;
  maxQueue: number;
  /** Retries the budget would allow right now. */
  retryBudget: number;
  /** Calls and retries in the budget's window (what the app asked for vs what it added). */
  calls: number;
  retries: number;
  pausedUntil: number | null;
  /** Tokens left in the rate limiter, when one is configured. */
  rateLimitTokens: number | null;
  /** Current local reject probability of the adaptive throttle, when one is configured. */
  throttleProbability: number | null;
}

/** The part of an origin's state that outlives a worker restart. */
export interface SavedOriginState {
  origin: string;
  breaker: { state: BreakerState; openUntil: number | null; openMs: number };
  pausedUntil: number | null;
  savedAt: number;
}

/** Persistence for per-origin state (IndexedDB in the worker). */
export interface StateStore {
  load(): Promise<SavedOriginState[]>;
  save(state: SavedOriginState): Promise<void>;
}

/** Shaped like the Cache API, plus when the copy was stored. */
export interface ResponseCache {
  match(request: Request): Promise<{ response: Response; storedAt: number } | undefined>;
  put(request: Request, response: Response): Promise<void>;
  /**
   * Optional, synchronous: whether `put` would store this response. Asked before the engine
   * copies the body, so a response the cache would skip costs no clone.
   */
  wants?(request: Request, response: Response): boolean;
}

export interface ResilientFetchOptions {
  /** The transport each attempt goes through. (`globalThis.fetch`) */
  fetch?: typeof fetch;
  /** Time and timers; tests inject a fake one. (`Date.now` and the global timers) */
  clock?: Clock;
  /** Source of the jitter in backoff and open periods, in [0, 1). (`Math.random`) */
  random?: () => number;
  /** Every origin's policy, and per-origin overrides; validated at once. (`DEFAULT_POLICY` for every origin) */
  policy?: PolicyConfig;
  /** Where breaker state is kept across restarts (the worker's is IndexedDB). (none: memory only) */
  store?: StateStore;
  /** Where the last good responses are kept for stale-if-error (`createIdbResponseCache`). (none: no stored copies) */
  cache?: ResponseCache;
  /**
   * Tracing, as `resilient-fetch/telemetry` builds it (`engineTracing(tracer)`): the engine itself
   * imports nothing from OpenTelemetry, so an app that does not trace ships none of it. (none: no spans)
   */
  tracing?: TracingPort;
  /** Every breaker change, retry, rejection, fallback and failure; a listener that throws is reported, never breaks a call. (none) */
  onEvent?: (event: ResilienceEvent) => void;
  /** Whether the device is online: offline, a call is refused locally (`offline`) and a failure does not count against the breaker. (`navigator.onLine` where it exists, else always online) */
  isOnline?: () => boolean;
  /**
   * Which request URLs may carry `traceparent`. The worker passes its own origin plus the
   * allow-list. (none: no URL)
   */
  propagateTraceTo?: (url: URL) => boolean;
}

export interface ResilientFetch {
  (input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response>;
  snapshot(): OriginSnapshot[];
  /** Replace the policy without losing state; throws TypeError on invalid config. */
  configure(policy: PolicyConfig): void;
  /** Resolves when saved state has been loaded (call before serving after a restart). */
  ready(): Promise<void>;
  /**
   * Loads the saved state again, over what this instance holds: for a service worker that
   * installed while an older one served, as it takes over (what the older one saved since).
   */
  reload(): Promise<void>;
  /** Resolves when every write behind (state, cache) started so far has finished. */
  settled(): Promise<void>;
  /** Origins named in `policy.origins`. */
  namedOrigins(): string[];
}
