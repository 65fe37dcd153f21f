/** How the scorecard prints its numbers: shares as %, times in ms under 1 s and s above. */
export function pct(x: number): string {
  if (Number.isNaN(x)) return '–';
  const v = x * 100;
  return `${v >= 99.95 || v < 10 ? v.toFixed(1).replace(/\.0$/, '') : v.toFixed(0)}%`;
}

export function duration(ms: number | null): string {
  if (ms === null) return 'none';
  if (Number.isNaN(ms)) return '–';
  if (!Number.isFinite(ms)) return 'no answer';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function ratio(x: number): string {
  return Number.isNaN(x) ? '–' : x.toFixed(2);
}
