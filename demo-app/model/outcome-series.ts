import { OUTCOMES, type Outcome } from './outcomes.js';

export type OutcomeCounts = Record<Outcome, number>;

export function zeroCounts(): OutcomeCounts {
  return { fresh: 0, retried: 0, stale: 0, rejected: 0, failed: 0 };
}

/** How far back every chart looks: short, because in the demo things happen within seconds. */
export const HISTORY_SECONDS = 30;

/** Outcomes per second over a sliding window, plus running totals. */
export class OutcomeSeries {
  private readonly buckets = new Map<number, OutcomeCounts>();
  readonly totals: OutcomeCounts = zeroCounts();

  constructor(readonly seconds = HISTORY_SECONDS) {}

  add(outcome: Outcome, at: number): void {
    const second = Math.floor(at / 1000);
    let bucket = this.buckets.get(second);
    if (bucket === undefined) {
      bucket = zeroCounts();
      this.buckets.set(second, bucket);
      for (const key of this.buckets.keys()) if (key <= second - this.seconds) this.buckets.delete(key);
    }
    bucket[outcome]++;
    this.totals[outcome]++;
  }

  /** One entry per second, oldest first, ending with the current second. */
  window(now: number): { second: number; counts: OutcomeCounts }[] {
    const last = Math.floor(now / 1000);
    const out: { second: number; counts: OutcomeCounts }[] = [];
    for (let s = last - this.seconds + 1; s <= last; s++) out.push({ second: s, counts: this.buckets.get(s) ?? zeroCounts() });
    return out;
  }

  reset(): void {
    this.buckets.clear();
    for (const o of OUTCOMES) this.totals[o] = 0;
  }
}
