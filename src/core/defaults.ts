import type { OriginPolicy } from './types.js';

/**
 * The starting point every origin gets; see DESIGN.md for why each number is what it is. Changed
 * from the design card's first numbers, by measurement (bench:scorecard, sim:fleet):
 * - Partial failure is the adaptive throttle's job (on, k = 2: at 50% errors it refuses nothing,
 *   so writes land as often as with plain fetch); the breaker is the backstop for outages and
 *   opens at 80% failures, not 50%.
 * - Probes are at most 2.5 s apart (1 s doubling to 2.5 s, jittered) so a healed backend is used
 *   again within seconds; a backend that wants longer says so with Retry-After, which the open
 *   period then follows exactly.
 */
export const DEFAULT_POLICY: OriginPolicy = {
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  fallback: 'cache',
  maxStaleMs: 86_400_000,
  staleAfterMs: 3_000,
  breaker: {
    windowMs: 10_000,
    minimumCalls: 10,
    failureRateThreshold: 0.8,
    slowCallMs: 5_000,
    slowCallRateThreshold: 1,
    openMs: 1_000,
    maxOpenMs: 2_500,
    halfOpenProbes: 1,
  },
  concurrency: { maxInFlight: 6, maxQueue: 64 },
  retry: {
    maxRetries: 2,
    baseDelayMs: 100,
    maxDelayMs: 5_000,
    jitter: 'full',
    retryOnStatus: [408, 429, 500, 502, 503, 504],
    maxRetryAfterMs: 30_000,
    budgetRatio: 0.2,
    budgetReserve: 3,
    maxBufferedBodyBytes: 1_048_576,
  },
  rateLimit: false,
  throttle: { k: 2, windowMs: 10_000, minimumRequests: 10 },
  outbox: false,
};

/** What `outbox: true` (or an object leaving fields out) means. */
export const DEFAULT_OUTBOX = {
  methods: ['POST', 'PUT', 'PATCH', 'DELETE'],
  maxEntries: 500,
  maxBytes: 10_485_760,
  maxAgeMs: 604_800_000,
};

export const DEFAULT_MAX_ORIGINS = 64;
