/**
 * Counters over a sliding time window, kept in a fixed ring of buckets so memory and cost per
 * call stay constant however busy the origin is. Granularity is windowMs / buckets: a count
 * leaves the window within one bucket of windowMs after it was added.
 */
export class SlidingWindow {
  private readonly bucketMs: number;
  private readonly starts: Float64Array;
  private readonly counts: Float64Array;
  private readonly totals: Float64Array;

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
    this.counts[this.slot(now) * this.metrics + metric]! += n;
  }

  sum(now: number, metric: number): number {
    return this.sums(now)[metric]!;
  }

  /**
   * Every metric's total in one pass over the ring (the breaker reads three on each attempt).
   * The array is the window's own and is overwritten by the next call: read it at once.
   */
  sums(now: number): Float64Array {
    const oldest = this.bucketStart(now) - (this.buckets - 1) * this.bucketMs;
    const totals = this.totals.fill(0);
    for (let slot = 0; slot < this.buckets; slot++) {
      const start = this.starts[slot]!;
      if (start < oldest || start > now) continue;
      for (let metric = 0; metric < this.metrics; metric++) totals[metric]! += this.counts[slot * this.metrics + metric]!;
    }
    return totals;
  }

  reset(): void {
    this.starts.fill(-Infinity);
    this.counts.fill(0);
  }

  private bucketStart(now: number): number {
    return Math.floor(now / this.bucketMs) * this.bucketMs;
  }

  private slot(now: number): number {
    const start = this.bucketStart(now);
    const index = Math.floor(start / this.bucketMs);
    const slot = ((index % this.buckets) + this.buckets) % this.buckets;
    if (this.starts[slot] !== start) {
      this.starts[slot] = start;
      this.counts.fill(0, slot * this.metrics, (slot + 1) * this.metrics);
    }
    return slot;
  }
}
