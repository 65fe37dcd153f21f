import type { RetryPolicy } from './types.js';

/**
 * Delay before retry number `retry` (1-based). Full jitter spreads retries of many clients over
 * the whole interval; decorrelated jitter grows from the previous delay (AWS architecture blog,
 * "Exponential Backoff And Jitter").
 */
export function backoffDelay(policy: RetryPolicy, retry: number, previousMs: number, random: () => number): number {
  const { baseDelayMs: base, maxDelayMs: max } = policy;
  const exponential = Math.min(max, base * 2 ** (retry - 1));
  switch (policy.jitter) {
    case 'none':
      return exponential;
    case 'full':
      return random() * exponential;
    case 'decorrelated': {
      const upper = Math.max(base, previousMs * 3);
      return Math.min(max, base + random() * (upper - base));
    }
  }
}
