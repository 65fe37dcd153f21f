/**
 * Counters over a sliding time window, kept in a fixed ring of buckets so memory and cost per
 * call stay constant however busy the origin is. Granularity is windowMs / buckets: a count
 * leaves the window within one bucket of windowMs after it was added.
 *
 * The window's totals are kept up to date while time stays within one bucket, so the breaker,
 * which reads them on every answer, sums the ring only when a bucket starts (once per
 * windowMs / buckets, a second by default) instead of on every call.
 */
export class SlidingWindow {
  private readonly bucketMs: number;
  private readonly starts: Float64Array;
  private readonly counts: Float64Array;
  private readonly totals: Float64Array;
  /** The bucket start `totals` were summed for (NaN: to be summed again). */
  private totalsAt = NaN;
  /** The last bucket added to, and its slot: most adds land in it. */
  private lastStart = NaN;
  private lastSlot = 0;

  constructor(
    windowMs: number,
    private readonly metrics: number,
    private readonly buckets = 10,
  ) {
    this.bucketMs = windowMs / buckets;
    this.starts = new Float64Array(buckets).fill(-Infinity);
    this.counts = new Float64Array(buckets * metrics);
    this.totals = new Float64Array(metrics);
  }

  add(now: number, metric: number, n = 1): void {
    const start = this.bucketStart(now);
    this.counts[this.slot(start) * this.metrics + metric]! += n;
    if (start === this.totalsAt) this.totals[metric]! += n;
  }

  sum(now: number, metric: number): number {
    return this.sums(now)[metric]!;
  }

  /**
   * Every metric's total (the breaker reads three on each attempt). The array is the window's
   * own and is overwritten by the next call: read it at once.
   */
  sums(now: number): Float64Array {
    const start = this.bucketStart(now);
    if (start === this.totalsAt) return this.totals;
    const oldest = start - (this.buckets - 1) * this.bucketMs;
    const totals = this.totals.fill(0);
    for (let slot = 0; slot < this.buckets; slot++) {
      const at = this.starts[slot]!;
      if (at < oldest || at > now) continue;
      for (let metric = 0; metric < this.metrics; metric++) totals[metric]! += this.counts[slot * this.metrics + metric]!;
    }
    this.totalsAt = start;
    return totals;
  }

  reset(): void {
    this.starts.fill(-Infinity);
    this.counts.fill(0);
    this.totalsAt = NaN;
    this.lastStart = NaN;
  }

  private bucketStart(now: number): number {
    return Math.floor(now / this.bucketMs) * this.bucketMs;
  }

  /** The ring slot of the bucket starting at `start`, emptied first if it held an older bucket. */
  private slot(start: number): number {
    if (start === this.lastStart) return this.lastSlot;
    const index = Math.floor(start / this.bucketMs);
    const slot = ((index % this.buckets) + this.buckets) % this.buckets;
    if (this.starts[slot] !== start) {
      this.starts[slot] = start;
      // What it held is a bucket the totals did not count: older than the window, or (the clock
      // went back) later than now.
      this.counts.fill(0, slot * this.metrics, (slot + 1) * this.metrics);
    }
    this.lastStart = start;
    this.lastSlot = slot;
    return slot;
  }
}
