/**
 * A small async benchmark harness (no dependency). Each contender is warmed up, then timed in
 * samples of back-to-back awaited calls (one call in flight at a time, so a sample is a latency
 * per call, not a throughput under concurrency). Samples are interleaved: every round takes one
 * sample of every contender in a freshly shuffled order, so drift and noise on the machine land
 * on all contenders alike. We report the median over rounds and the interquartile range.
 * Besides wall time, each sample records the process's CPU time (`process.cpuUsage()`, all
 * threads, so GC helper threads count): on a shared, loaded machine it is the steadier number,
 * since time spent descheduled is not in it.
 *
 * The same file runs in Node and, bundled, in a Chromium page (bench/browser/): it touches only
 * `performance.now()` (a global in both) and feature-detects the rest. A page has no CPU clock,
 * so there `cpuSamples` stay empty.
 */
import type { Contender, Op } from './contenders.js';
import { mulberry32, shuffle } from '../sw/stats.js';

export interface TimingOptions {
  rounds: number;
  /** Stop taking rounds after this long (but not before `minRounds`), so a loaded machine cannot stretch the run. */
  budgetMs: number;
  minRounds: number;
  sampleMs: number;
  warmupMs: number;
  seed: number;
}

export interface Timing {
  contender: Contender;
  /** µs per call (wall), one per round, in round order. */
  samples: number[];
  /** µs of process CPU time per call, one per round. */
  cpuSamples: number[];
  opsPerSample: number;
}

/**
 * Yields to the event loop so due timers (opossum's bucket intervals) run between samples, not
 * inside them: `setImmediate` in Node, a `setTimeout(0)` task in a page.
 */
const tick: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise<void>((resolve) => setImmediate(resolve))
    : () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Process CPU time in µs (user + system), or undefined where there is no such clock (a page). */
const cpuMicros: (() => number) | undefined =
  typeof process !== 'undefined' && typeof process.cpuUsage === 'function'
    ? () => {
        const used = process.cpuUsage();
        return used.user + used.system;
      }
    : undefined;

async function batch(op: Op, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await op();
  return performance.now() - start;
}

/** Wall ms and CPU µs (NaN without a CPU clock) for n calls. */
async function timedBatch(op: Op, n: number): Promise<{ ms: number; cpuUs: number }> {
  const cpu = cpuMicros?.() ?? NaN;
  const start = performance.now();
  for (let i = 0; i < n; i++) await op();
  const ms = performance.now() - start;
  return { ms, cpuUs: (cpuMicros?.() ?? NaN) - cpu };
}

/**
 * Calls `op` back to back for about `ms`, 1,000 at a time, yielding to the event loop between
 * batches as the timed samples do (`yieldBetween: false` does not: in Node 20 the AbortSignals it
 * tracks weakly are then never cleaned up, and GC time triples). The loop the profiler samples,
 * and the Chromium page's warm-up.
 */
export async function loopFor(op: Op, ms: number, yieldBetween = true): Promise<{ calls: number; ms: number }> {
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < ms) {
    for (let i = 0; i < 1000; i++) await op();
    calls += 1000;
    if (yieldBetween) await tick();
  }
  return { calls, ms: performance.now() - started };
}

/** Runs `op` for about `ms` milliseconds; returns the µs per call it saw. */
async function runFor(op: Op, ms: number): Promise<number> {
  let n = 64;
  let calls = 0;
  let spent = 0;
  while (spent < ms) {
    spent += await batch(op, n);
    calls += n;
    n = Math.min(n * 2, 65_536);
    await tick();
  }
  return (spent * 1000) / calls;
}

export async function timeInterleaved(contenders: Contender[], opts: TimingOptions): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const contender of contenders) {
    await contender.verify();
    const usPerOp = await runFor(contender.op, opts.warmupMs);
    const opsPerSample = Math.max(16, Math.round((opts.sampleMs * 1000) / usPerOp));
    timings.push({ contender, samples: [], cpuSamples: [], opsPerSample });
  }
  const random = mulberry32(opts.seed);
  const order = timings.slice();
  const began = performance.now();
  for (let round = 0; round < opts.rounds; round++) {
    if (round >= opts.minRounds && performance.now() - began > opts.budgetMs) break;
    shuffle(order, random);
    for (const t of order) {
      await tick(); // let timers and intervals (opossum's buckets) run between samples, not inside them
      const { ms, cpuUs } = await timedBatch(t.contender.op, t.opsPerSample);
      t.samples.push((ms * 1000) / t.opsPerSample);
      if (Number.isFinite(cpuUs)) t.cpuSamples.push(cpuUs / t.opsPerSample);
    }
  }
  for (const t of timings) await t.contender.verify(); // still doing what we claim after the run
  return timings;
}

export function quantile(values: number[], q: number): number {
  const sorted = values.slice().sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: number[]) => quantile(values, 0.5);

/** Median of per-round differences a[i] - b[i] (both timed in the same round). */
export function pairedMedianDiff(a: number[], b: number[]): number {
  return median(a.map((x, i) => x - b[i]!));
}

