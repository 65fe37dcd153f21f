import { seededRandom } from '../lib/seeded-random.js';

/** The seeded generator shuffles and bootstraps use (one home: ../lib/seeded-random.ts). */
export const mulberry32 = seededRandom;
/** Small, dependency-free statistics for the service-worker benchmark. */

/** Linear-interpolated quantile (R type 7) of an already sorted array. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function sortedCopy(values: readonly number[]): Float64Array {
  return Float64Array.from(values).sort();
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  const s = sortedCopy(values);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    p50: quantileSorted(s, 0.5),
    p95: quantileSorted(s, 0.95),
    p99: quantileSorted(s, 0.99),
    mean: s.length > 0 ? sum / s.length : Number.NaN,
    max: s.length > 0 ? s[s.length - 1]! : Number.NaN,
  };
}

export function shuffle<T>(items: T[], random: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

function resampledMedian(values: readonly number[], random: () => number, scratch: Float64Array): number {
  const n = values.length;
  for (let i = 0; i < n; i++) scratch[i] = values[Math.floor(random() * n)]!;
  scratch.sort();
  return quantileSorted(scratch, 0.5);
}

/**
 * 95% percentile-bootstrap interval of median(a) − median(b). Treats requests as independent,
 * which they are not quite (they come in batches), so read it next to the replica noise floor.
 */
export function bootstrapMedianDiff(a: readonly number[], b: readonly number[], iterations: number, seed: number): [number, number] {
  const random = mulberry32(seed);
  const sa = new Float64Array(a.length);
  const sb = new Float64Array(b.length);
  const diffs = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) diffs[i] = resampledMedian(a, random, sa) - resampledMedian(b, random, sb);
  diffs.sort();
  return [quantileSorted(diffs, 0.025), quantileSorted(diffs, 0.975)];
}
