/**
 * Nearest-rank percentile. Unanswered calls enter as Infinity, so a p99 over calls that never
 * came back reads "no answer" rather than quietly dropping them. NaN for no values.
 */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
