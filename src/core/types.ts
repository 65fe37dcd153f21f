import type { Attributes, Context } from '@opentelemetry/api';

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

export type Jitter = 'full' | 'decorrelated' | 'none';
export type FallbackMode = 'cache' | 'none';

/**
 * What a call falls back to when the network gives no useful answer: the stored copy, nothing,
 * or the stored copy (unless `cache: false`) and then the app's own answer. A handler is code, so
 * it can be set only in the worker's own policy, never sent from a page.
 */
export type FallbackPolicy =
  | FallbackMode
  | {
      /** Try the stored copy first, then the handler. (true) */
      cache?: boolean;
      /** The app's answer; one that throws, rejects or outlives the call's deadline gives way to the synthetic 503. */
      handler(request: Request, reason: ResilienceReason): Response | Promise<Response>;
    };

/** Writes kept in IndexedDB when they cannot be delivered now (the worker's outbox). */
export interface OutboxPolicy {
  /** Methods the outbox takes. (['POST', 'PUT', 'PATCH', 'DELETE']) */
  methods: string[];
  /** Most entries kept per partition. (500) */
  maxEntries: number;
  /** Most body bytes kept in all. (10 MiB) */
  maxBytes: number;
  /** An entry older than this is reported as expired and dropped. (7 days) */
  maxAgeMs: number;
}

export interface BreakerPolicy {
  /** Sliding window the rates are judged over. (10_000) */
  windowMs: number;
  /** Attempts in the window before the breaker judges at all. (10) */
  minimumCalls: number;
  /** 0..1; opens at or above. The breaker is the outage backstop; partial failure is the throttle's. (0.8) */
  failureRateThreshold: number;
  /** An attempt slower than this (timed from its own start) is slow. (5_000) */
  slowCallMs: number;
  /** 0..1; opens at or above; 1 = only when every call is slow. (1) */
  slowCallRateThreshold: number;
  /** First open period, when the server gave no delay; shortened at random by up to half. (1_000) */
  openMs: number;
  /** Our open period doubles on each failed probe up to this; a server's Retry-After overrides it. (2_500; follows a longer openMs the config did not bound) */
  maxOpenMs: number;
  /** Trial calls let through when half-open. (1) */
  halfOpenProbes: number;
}

export interface RetryPolicy {
  /** Attempts = maxRetries + 1; only idempotent methods, an Idempotency-Key, or `idempotent: true`. (2) */
  maxRetries: number;
  /** First backoff step. (100) */
  baseDelayMs: number;
  /** Largest backoff step. (5_000) */
  maxDelayMs: number;
  /** ('full') */
  jitter: Jitter;
  /** Statuses worth another attempt. ([408, 429, 500, 502, 503, 504]) */
  retryOnStatus: number[];
  /** Cap on a server-given delay (Retry-After, RateLimit, X-RateLimit-Reset). (30_000) */
  maxRetryAfterMs: number;
  /** Retries allowed as a share of the calls made in the last breaker.windowMs. (0.2) */
  budgetRatio: number;
  /**
   * Retries held in reserve beyond the ratio, so a quiet origin can still retry a call; each
   * success earns back `budgetRatio` of one (successes refill it, time does not). (3)
   */
  budgetReserve: number;
  /**
   * Largest request body buffered for replay (a stream, or a Request's body; a string, buffer,
   * Blob or URLSearchParams given as `init.body` replays as it is); a larger one is sent once,
   * never retried. (1_048_576)
   */
  maxBufferedBodyBytes: number;
}

export interface OriginPolicy {
  /** Per attempt; aborts the fetch; clamped to what is left of the deadline. (10_000) */
  timeoutMs: number;
  /** Whole call: queue, attempts and backoff. (30_000) */
  deadlineMs: number;
  /** The stored copy, nothing, or the stored copy then the app's handler (worker policy only). ('cache') */
  fallback: FallbackPolicy;
  /** Oldest stored response that may be served. (86_400_000) */
  maxStaleMs: number;
  /**
   * A GET with a stored copy answers from it after this long without a network answer (queued
   * or in flight); the request goes on within its timeout to refresh the store. (3_000)
   */
  staleAfterMs: number;
  /** When the origin's circuit opens, and for how long. (each field's default is listed with it) */
  breaker: BreakerPolicy;
  /** In flight at once, and waiting in the FIFO queue. ({ maxInFlight: 6, maxQueue: 64 }) */
  concurrency: {
    /** Attempts in flight at once. (6) */
    maxInFlight: number;
    /** Calls waiting for a slot, first come first served; past this a call is refused (`queue-full`). (64) */
    maxQueue: number;
  };
  /** Which failures are retried, how soon, and how many retries the origin may take. (each field's default is listed with it) */
  retry: RetryPolicy;
  /** Client-side token bucket. (false) */
  rateLimit:
    | false
    | {
        /** Tokens added per second. (none: required) */
        perSecond: number;
        /** Most tokens held; the bucket starts full. (none: required) */
        burst: number;
      };
  /**
   * SRE adaptive throttling: refuse locally when the backend accepts fewer than 1/k of the
   * requests it answered; judges only while the breaker is closed. ({ k: 2, windowMs: 10_000, minimumRequests: 10 })
   */
  throttle:
    | false
    | {
        /** Requests may reach k times the accepted ones before any is refused; larger is more lenient. (2) */
        k: number;
        /** The window requests and acceptances are counted over. (10_000) */
        windowMs: number;
        /** Requests in the window before it refuses anything. (10) */
        minimumRequests?: number;
      };
  /** The worker's outbox for writes that cannot be delivered now; `true` means the default limits. (false) */
  outbox: false | OutboxPolicy;
}

export type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends (infer U)[]
    ? U[]
    : T[K] extends object
      ? DeepPartial<T[K]> | Extract<T[K], false>
      : T[K];
};

/** What a config may say about an origin: any part of the policy; `outbox: true` means the default limits. */
export type PolicyOverride = Omit<DeepPartial<OriginPolicy>, 'outbox'> & {
  /** The worker's outbox for writes that cannot be delivered now: `true` for the default limits, or some of them. (false) */
  outbox?: boolean | Partial<OutboxPolicy>;
};

export interface PolicyConfig {
  /** Every origin's policy, over the built-in one (`DEFAULT_POLICY`). (none: the built-in policy) */
  defaults?: PolicyOverride;
  /** Per-origin policy, keyed by origin (`https://api.example.com`), over `defaults`. (none) */
  origins?: { [origin: string]: PolicyOverride };
  /** Most origins kept in memory; the least recently used is dropped past this. (64) */
  maxOrigins?: number;
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
