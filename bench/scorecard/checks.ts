/**
 * Checks that the instrument measures what it claims, from clients whose behaviour is known:
 * plain fetch sends every call exactly once (amplification 1.0) and sees the upstream's 50%
 * 503s as they are, ky retries GETs on 503
 * (amplification above 1 in the 503 phase), every upstream request carries its call id, and our
 * client never sends a plain POST twice (the hard rule).
 */
import { pct, ratio } from './format.js';
import type { Check, Scored } from './report.js';

export function harnessChecks(scored: readonly Scored[]): Check[] {
  const checks: Check[] = [];
  const of = (c: string) => scored.find((s) => s.client === c)?.measures;
  const fetch = of('fetch');
  if (fetch) {
    const a = fetch.amplificationInFailure;
    checks.push({ what: 'plain fetch amplification in failure phases is 1.0 ± 0.05', measured: ratio(a), pass: Math.abs(a - 1) <= 0.05 });
    // The upstream's seeded coin: half the errors phase answers 503 (±10 points for 200 flips).
    const u = fetch.perPhase.find((p) => p.phase === 'errors')!.useful;
    checks.push({ what: 'plain fetch gets about half its calls answered in the 50% 503 phase (40–60%)', measured: pct(u), pass: u >= 0.4 && u <= 0.6 });
  }
  const ky = of('ky');
  if (ky) {
    const a = ky.perPhase.find((p) => p.phase === 'errors')!.amplification;
    checks.push({ what: 'ky amplification in the 50% 503 phase is above 1', measured: ratio(a), pass: a > 1 });
  }
  const unattributed = scored.reduce((n, s) => n + s.measures.unattributed, 0);
  checks.push({ what: 'every upstream request names its call (X-Call-Id)', measured: `${unattributed} without`, pass: unattributed === 0 });
  const ours = of('ours');
  if (ours) {
    checks.push({ what: 'ours sends no plain POST twice', measured: String(ours.plainPostsSentTwice), pass: ours.plainPostsSentTwice === 0 });
    checks.push({ what: '(goal, issue 15) ours: POSTs 2xx in recovery ≥ 95%', measured: pct(ours.postsOkInRecovery), pass: ours.postsOkInRecovery >= 0.95 });
  }
  return checks;
}
