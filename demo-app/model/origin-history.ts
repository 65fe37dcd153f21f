/**
 * Everything the dashboard remembers about one origin: the latest worker snapshot, the breaker's
 * transitions, rate samples for the chart, and counters of what this tab saw.
 */
import type { OriginSnapshot, ResilienceEvent } from '../../src/index.js';
import { HISTORY_SECONDS, OutcomeSeries } from './outcome-series.js';
import type { CallResult } from './outcomes.js';

type BreakerState = OriginSnapshot['breaker']['state'];

export interface Transition {
  at: number;
  from: BreakerState;
  to: BreakerState;
}

export interface RateSample {
  at: number;
  failureRate: number;
  slowCallRate: number;
}

const KEEP_MS = HISTORY_SECONDS * 1000;
const MAX_TRANSITIONS = 50;

export class OriginHistory {
  snapshot: OriginSnapshot | undefined;
  /** When the snapshot was taken (worker clock, same machine). */
  snapshotAt = 0;
  readonly transitions: Transition[] = [];
  readonly rates: RateSample[] = [];
  readonly outcomes = new OutcomeSeries();
  /** Calls this tab made to the origin. */
  made = 0;
  /** Stale copies the worker served for this origin (any tab), from its events. */
  staleServes = 0;
  /** Retries and local rejections the worker reported (any tab). */
  retries = 0;
  rejections = 0;
  /** The upstream's own count of API requests, and its value when this page started counting. */
  received: number | undefined;
  receivedBaseline: number | undefined;

  constructor(
    readonly origin: string,
    readonly name: string,
  ) {}

  get state(): BreakerState | undefined {
    return this.snapshot?.breaker.state;
  }

  /** `at`: when the worker took it; an older snapshot than the one shown is ignored. */
  applySnapshot(snapshot: OriginSnapshot, at: number): void {
    if (at < this.snapshotAt) return;
    const before = this.state;
    // A transition the events did not tell us about (a missed broadcast, a restarted worker).
    if (before !== undefined && before !== snapshot.breaker.state) this.addTransition({ at, from: before, to: snapshot.breaker.state });
    this.snapshot = snapshot;
    this.snapshotAt = at;
    const last = this.rates.at(-1);
    if (last === undefined || at - last.at >= 250) {
      this.rates.push({ at, failureRate: snapshot.breaker.failureRate, slowCallRate: snapshot.breaker.slowCallRate });
      while (this.rates.length > 0 && this.rates[0]!.at < at - KEEP_MS) this.rates.shift();
    }
  }

  applyEvent(event: ResilienceEvent): void {
    switch (event.type) {
      case 'breaker':
        this.addTransition({ at: event.at, from: event.from, to: event.to });
        if (this.snapshot !== undefined) this.snapshot = { ...this.snapshot, breaker: { ...this.snapshot.breaker, state: event.to, openUntil: event.openUntil ?? null } };
        break;
      case 'fallback':
        this.staleServes++;
        break;
      case 'retry':
        this.retries++;
        break;
      case 'rejected':
        this.rejections++;
        break;
      default:
        break;
    }
  }

  recordCall(result: CallResult): void {
    this.made++;
    this.outcomes.add(result.outcome, result.at);
  }

  setReceived(total: number): void {
    // A restarted upstream counts from zero again: start over from there.
    if (this.receivedBaseline === undefined || total < (this.received ?? 0)) {
      this.receivedBaseline = total;
      this.made = 0;
    }
    this.received = total;
  }

  /** Upstream requests since this page started counting. */
  get receivedSince(): number | undefined {
    return this.received === undefined || this.receivedBaseline === undefined ? undefined : this.received - this.receivedBaseline;
  }

  /** Counts from now on: made and received restart at zero. */
  resetCounters(): void {
    this.made = 0;
    this.receivedBaseline = this.received;
    this.staleServes = 0;
    this.retries = 0;
    this.rejections = 0;
    this.outcomes.reset();
  }

  private addTransition(t: Transition): void {
    const last = this.transitions.at(-1);
    // The event and the next snapshot report the same change; keep one.
    if (last !== undefined && last.to === t.to && last.from === t.from && Math.abs(last.at - t.at) < 1_000) return;
    if (last !== undefined && last.to === t.to) return;
    this.transitions.push(t);
    if (this.transitions.length > MAX_TRANSITIONS) this.transitions.shift();
  }
}
