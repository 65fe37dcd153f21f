/** Number and time formatting shared by the views. */
export function pct(value: number): string {
  return `${Math.round(value * 100)}%`;
}

export function clock(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour12: false, hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(value >= 10_000 ? 0 : 1)} s` : `${Math.round(value)} ms`;
}

/** "in 2.4 s" / "now" for a future instant. */
export function until(at: number | null, now: number): string {
  if (at === null) return '—';
  const left = at - now;
  return left <= 0 ? 'now' : `in ${ms(left)}`;
}
