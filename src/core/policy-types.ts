import type { ResilienceReason } from './types.js';

/**
 * The shape of a policy: what an origin's calls get (breaker, retries, timeouts, fallback,
 * outbox) and how a config overrides it. Split from types.ts so each file holds one layer:
 * these are what a user writes; types.ts holds what the engine reports and needs.
 */
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
