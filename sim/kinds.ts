import { ours, plainRetry, type ClientKind, type PolicyOverrides } from './clients.js';

/** ky's defaults (source/core/Ky.ts, source/types/retry.ts): limit 2, 0.3 s × 2^(n−1), no jitter. */
const kyDelay = (retry: number): number => 0.3 * 2 ** (retry - 1) * 1000;

/**
 * ky 1.x as shipped: 2 retries (3 attempts) on 408/413/429/500/502/503/504 and network errors,
 * 300 ms then 600 ms, no jitter, a 10 s timeout per attempt that is never retried, and a
 * `Retry-After` on 413/429/503 obeyed without a cap.
 */
export const kyDefaults: ClientKind = plainRetry('ky', 'ky defaults', {
  retries: 2,
  delayMs: kyDelay,
  retryOnTimeout: false,
  honourRetryAfter: true,
  timeoutMs: 10_000,
  retryOnStatus: [408, 413, 429, 500, 502, 503, 504],
});

/**
 * The retry loop most code bases grow by hand (and axios-retry or p-retry set up naively):
 * 3 retries of anything that failed, timeouts included, with ky's backoff and no jitter,
 * deaf to `Retry-After`.
 */
export const naiveRetry3: ClientKind = plainRetry('naive3', 'naive retry ×3', {
  retries: 3,
  delayMs: kyDelay,
  retryOnTimeout: true,
  honourRetryAfter: false,
  timeoutMs: 10_000,
  retryOnStatus: [500, 502, 503, 504],
});

/** One attempt with a 10 s timeout, as `fetch` with an AbortSignal.timeout would be. */
export const noRetry: ClientKind = plainRetry('none', 'no retry', {
  retries: 0,
  delayMs: () => 0,
  retryOnTimeout: false,
  honourRetryAfter: false,
  timeoutMs: 10_000,
  retryOnStatus: [],
});

/** Ours with the engine's defaults as they are on this branch (whatever DEFAULT_POLICY says). */
export const oursDefault: ClientKind = ours('ours', 'ours, default');

/**
 * The variant this simulation recommends (see the README's "At scale"):
 * - no retry-budget floor: 3 retries/s per browser is 30,000 retries/s across 10,000 browsers,
 *   the storm itself when each browser calls less than once a second;
 * - no doubling of the open period: a probe every 5 s gives full goodput within 5 s of a
 *   return, at a probe load of about a fifth of normal on a dead backend;
 * - no slow-call rule (slowCallMs past the 10 s timeout): while a backend that is whole again
 *   drains its queue, every answer is slow, so the rule opened breakers fleet-wide 8 s after the
 *   return (brown-out: goodput back to 30% for 4 s). Timeouts still count as failures.
 */
export const TUNED_POLICY: PolicyOverrides = { retry: { budgetReserve: 0 }, breaker: { maxOpenMs: 5_000, slowCallMs: 60_000 } };

export const oursTuned: ClientKind = ours('ours-tuned', 'ours, tuned', TUNED_POLICY);

/**
 * Ours obeying a server's Retry-After up to 2 minutes instead of the default 30 s: a front end
 * that announces a 60 s outage is then asked again only when it said to be back.
 */
export const oursLongPause: ClientKind = ours('ours-long-pause', 'ours, maxRetryAfterMs 120 s', { retry: { maxRetryAfterMs: 120_000 } });

export const ALL_KINDS: readonly ClientKind[] = [oursDefault, oursTuned, oursLongPause, kyDefaults, naiveRetry3, noRetry];

export function kindById(id: string): ClientKind {
  const kind = ALL_KINDS.find((k) => k.id === id);
  if (kind === undefined) throw new TypeError(`sim: unknown client kind ${JSON.stringify(id)} (known: ${ALL_KINDS.map((k) => k.id).join(', ')})`);
  return kind;
}
