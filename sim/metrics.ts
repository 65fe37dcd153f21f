/** Counts per fixed time bin (ms since the simulation started). */
export class Series {
  readonly values: Float64Array;

  constructor(
    readonly binMs: number,
    durationMs: number,
  ) {
    this.values = new Float64Array(Math.ceil(durationMs / binMs));
  }

  add(elapsedMs: number, n = 1): void {
    const bin = Math.floor(elapsedMs / this.binMs);
    if (bin >= 0 && bin < this.values.length) this.values[bin]! += n;
  }

  /** Mean count per second over [fromMs, toMs). */
  ratePerSecond(fromMs: number, toMs: number): number {
    const first = Math.max(0, Math.floor(fromMs / this.binMs));
    const last = Math.min(this.values.length, Math.ceil(toMs / this.binMs));
    if (last <= first) return 0;
    let total = 0;
    for (let bin = first; bin < last; bin++) total += this.values[bin]!;
    return (total / ((last - first) * this.binMs)) * 1000;
  }

  /** Counts per second, bin by bin, multiplied by `scale` (sampled clients stand for more). */
  perSecond(scale: number): number[] {
    return Array.from(this.values, (v) => (v * scale * 1000) / this.binMs);
  }
}

/** How one call ended, as its user would see it. */
export type Outcome = 'fresh' | 'failed' | 'rejected';

/**
 * Everything one run measures, at the simulated scale (multiply by the sampling scale for the
 * whole fleet). Backend counters are per request reaching it; client counters are per call.
 */
export class RunMetrics {
  /** Calls the users started (the demand). */
  readonly demand: Series;
  /** Calls answered with a fresh 200 from the backend. */
  readonly fresh: Series;
  /** Requests reaching the backend (first attempts, retries and probes alike). */
  readonly arrivals: Series;
  /** Requests the backend finished whose client was still waiting: useful work. */
  readonly useful: Series;
  /** Requests the backend finished after their client had given up: wasted work. */
  readonly wasted: Series;
  /** Requests answered 503 at once (queue full or backend down). */
  readonly shed: Series;
  /** Per client: ms from capacity returning to its first fresh answer (NaN: none yet). */
  readonly firstFreshAfterReturn: Float64Array;

  constructor(
    binMs: number,
    durationMs: number,
    clients: number,
    private readonly returnsAtMs: number,
  ) {
    this.demand = new Series(binMs, durationMs);
    this.fresh = new Series(binMs, durationMs);
    this.arrivals = new Series(binMs, durationMs);
    this.useful = new Series(binMs, durationMs);
    this.wasted = new Series(binMs, durationMs);
    this.shed = new Series(binMs, durationMs);
    this.firstFreshAfterReturn = new Float64Array(clients).fill(Number.NaN);
  }

  callEnded(client: number, outcome: Outcome, elapsedMs: number): void {
    if (outcome !== 'fresh') return;
    this.fresh.add(elapsedMs);
    if (elapsedMs >= this.returnsAtMs && Number.isNaN(this.firstFreshAfterReturn[client]!)) {
      this.firstFreshAfterReturn[client] = elapsedMs - this.returnsAtMs;
    }
  }
}

/** The q-quantile (0..1) of the finite values, NaN when there are none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  const finite = Array.from(values).filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  return finite[Math.min(finite.length - 1, Math.floor(q * finite.length))]!;
}
