import type { RunData } from './fleet.js';
import { quantile } from './metrics.js';
import type { Scenario } from './scenarios.js';

/** What one run comes to, in the terms of issue 14's goals. */
export interface RunSummary {
  scenarioId: string;
  kindId: string;
  /** Calls per second the fleet makes when all is well. */
  normalLoad: number;
  /** Share of all calls answered fresh from the backend, whole run. */
  goodputShare: number;
  /** Requests reaching the backend per second while it is in trouble (after the first 10 s), as a share of normal load. */
  troubleLoad: number;
  /** Peak requests per second in the 20 s after capacity returns, as a share of nominal capacity. */
  returnPeak: number;
  /** ms from capacity returning to full goodput, sustained; null: not within the run (see `healthyAtEnd`). */
  recoveryMs: number | null;
  /**
   * Goodput lost after capacity returned: the shortfall below normal load, summed, in seconds of
   * normal load (robust where the recovery time hinges on one window crossing a threshold).
   */
  deficitAfterReturnS: number;
  /** ms from capacity returning to the fleet's first fresh answer (any client). */
  fleetFirstFreshMs: number;
  /** Per client, ms from capacity returning to its own first fresh answer: median and 95th percentile. */
  clientFirstFreshP50Ms: number;
  clientFirstFreshP95Ms: number;
  /** Share of the backend's finished work, after capacity returned, whose client had given up. */
  wastedAfterReturn: number;
  /** Goodput over the last 20 s is at least 95% of normal load: the system is healthy again. */
  healthyAtEnd: boolean;
}

/** Warm-up seconds skipped before measuring the normal load (breaker windows filling). */
const SETTLE_MS = 5_000;
/** The trouble's first seconds are its onset, not its steady state. */
const ONSET_MS = 10_000;
/** Full goodput: at least this share of normal load answered fresh... */
const FULL = 0.95;
/** ...over a window this long, and never again below NEVER_BELOW in any later window. */
const WINDOW_MS = 5_000;
const NEVER_BELOW = 0.9;

export function summarize(run: RunData, scenario: Scenario): RunSummary {
  const { series, binMs } = run;
  const rate = (values: number[], fromMs: number, toMs: number) => mean(values, Math.floor(fromMs / binMs), Math.ceil(toMs / binMs));
  const normalLoad = rate(series.demand, SETTLE_MS, scenario.failsAtMs);
  const returnBin = Math.ceil(scenario.returnsAtMs / binMs);
  const peak = Math.max(...series.arrivals.slice(returnBin, returnBin + Math.ceil(20_000 / binMs)));
  const useful = sum(series.useful, returnBin, series.useful.length);
  const wasted = sum(series.wasted, returnBin, series.wasted.length);
  const firstFresh = run.firstFreshAfterReturnMs;
  return {
    scenarioId: run.scenarioId,
    kindId: run.kindId,
    normalLoad,
    goodputShare: sum(series.fresh, 0, series.fresh.length) / sum(series.demand, 0, series.demand.length),
    troubleLoad: rate(series.arrivals, scenario.failsAtMs + ONSET_MS, scenario.returnsAtMs) / normalLoad,
    returnPeak: peak / run.capacityPerSecond,
    recoveryMs: recoveryMs(series.fresh, binMs, returnBin, normalLoad),
    deficitAfterReturnS: series.fresh.slice(returnBin).reduce((lost, v) => lost + Math.max(0, normalLoad - v), 0) * (binMs / 1000) / normalLoad,
    fleetFirstFreshMs: Math.min(...firstFresh.filter(Number.isFinite)),
    clientFirstFreshP50Ms: quantile(firstFresh, 0.5),
    clientFirstFreshP95Ms: quantile(firstFresh, 0.95),
    wastedAfterReturn: useful + wasted === 0 ? 0 : wasted / (useful + wasted),
    healthyAtEnd: rate(series.fresh, scenario.durationMs - 20_000, scenario.durationMs) >= FULL * normalLoad,
  };
}

/**
 * From capacity returning to the start of the first window whose mean goodput is full, provided
 * no later window dips below NEVER_BELOW (a burst of answers from a draining queue that then
 * collapses again is not a recovery). Null when no such window exists before the run ends.
 */
export function recoveryMs(fresh: number[], binMs: number, returnBin: number, normalLoad: number): number | null {
  const width = Math.max(1, Math.round(WINDOW_MS / binMs));
  const last = fresh.length - width;
  let candidate: number | null = null;
  for (let bin = returnBin; bin <= last; bin++) {
    const level = mean(fresh, bin, bin + width);
    if (level < NEVER_BELOW * normalLoad) candidate = null;
    else if (candidate === null && level >= FULL * normalLoad) candidate = bin;
  }
  return candidate === null ? null : (candidate - returnBin) * binMs;
}

function sum(values: number[], from: number, to: number): number {
  let total = 0;
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) total += values[i]!;
  return total;
}

function mean(values: number[], from: number, to: number): number {
  const first = Math.max(0, from);
  const last = Math.min(values.length, to);
  return last > first ? sum(values, first, last) / (last - first) : 0;
}
