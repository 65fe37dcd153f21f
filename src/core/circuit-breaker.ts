import { SlidingWindow } from './sliding-window.js';
import type { BreakerPolicy, BreakerSnapshot, BreakerState } from './types.js';

const CALLS = 0;
const FAILURES = 1;
const SLOW = 2;

/** What an attempt turned out to be, for the breaker. `ignored`: caller abort, or offline. */
export type AttemptVerdict = 'success' | 'failure' | 'ignored';

/** A permission to send one attempt; a probe is a half-open trial call. */
export type Permit = 'normal' | 'probe';

export type TransitionListener = (from: BreakerState, to: BreakerState, openUntil: number | null) => void;

/**
 * Our own open periods are shortened by up to this share at random, so that the clients of one
 * backend, which all saw it fail at the same moment, do not all probe it at the same moment.
 */
const OPEN_JITTER = 0.5;

/**
 * A count-and-time circuit breaker. Transitions are computed from timestamps when someone asks
 * (no timers), so a worker that is stopped and restarted loses nothing but the window.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private openUntil = 0;
  /** When it opened (or, restored, when it was last seen open): a clock set back before it leaves no way to measure the period. */
  private openedAt = 0;
  private openMs: number;
  private probesIssued = 0;
  private probeSuccesses = 0;
  private window: SlidingWindow;

  constructor(
    private policy: BreakerPolicy,
    private readonly onTransition: TransitionListener,
    private readonly random: () => number = Math.random,
  ) {
    this.openMs = policy.openMs;
    this.window = new SlidingWindow(policy.windowMs, 3);
  }

  setPolicy(policy: BreakerPolicy): void {
    if (policy.windowMs !== this.policy.windowMs) this.window = new SlidingWindow(policy.windowMs, 3);
    this.openMs = Math.min(Math.max(this.openMs, policy.openMs), policy.maxOpenMs);
    this.policy = policy;
  }

  /**
   * The state now; an open breaker whose period has passed becomes half-open here. So does one
   * whose clock was set back before it opened: measured on the wall clock, a day set back held
   * it open a day (NTP fixing a device that ran fast); a probe decides instead.
   */
  current(now: number): BreakerState {
    if (this.state === 'open' && (now >= this.openUntil || now < this.openedAt)) this.transition('half-open');
    return this.state;
  }

  /** Milliseconds until an open breaker lets a probe through (0 when not open). */
  retryAfterMs(now: number): number {
    return this.current(now) === 'open' ? this.openUntil - now : 0;
  }

  /** Whether a call could get a permit now, without taking one. */
  wouldAllow(now: number): boolean {
    const state = this.current(now);
    return state === 'closed' || (state === 'half-open' && this.probesIssued < this.policy.halfOpenProbes);
  }

  tryAcquire(now: number): Permit | null {
    const state = this.current(now);
    if (state === 'closed') return 'normal';
    if (state === 'half-open' && this.probesIssued < this.policy.halfOpenProbes) {
      this.probesIssued++;
      return 'probe';
    }
    return null;
  }

  /**
   * Counts an attempt. `serverDelayMs` is what the server asked for (Retry-After on a 429/503,
   * already capped): when the breaker opens on such an answer, it stays open exactly that long.
   */
  record(now: number, permit: Permit, verdict: AttemptVerdict, durationMs: number, serverDelayMs?: number): void {
    if (permit === 'probe') return this.recordProbe(now, verdict, serverDelayMs);
    if (verdict === 'ignored' || this.state !== 'closed') return;
    const w = this.window;
    w.add(now, CALLS);
    if (verdict === 'failure') w.add(now, FAILURES);
    if (durationMs > this.policy.slowCallMs) w.add(now, SLOW);
    const totals = w.sums(now);
    const calls = totals[CALLS]!;
    if (calls < this.policy.minimumCalls) return;
    if (
      totals[FAILURES]! / calls >= this.policy.failureRateThreshold ||
      totals[SLOW]! / calls >= this.policy.slowCallRateThreshold
    ) {
      this.trip(now, this.policy.openMs, serverDelayMs);
    }
  }

  snapshot(now: number): BreakerSnapshot {
    const state = this.current(now);
    const totals = this.window.sums(now);
    const calls = totals[CALLS]!;
    const failures = totals[FAILURES]!;
    const slowCalls = totals[SLOW]!;
    return {
      state,
      calls,
      failures,
      slowCalls,
      failureRate: calls === 0 ? 0 : failures / calls,
      slowCallRate: calls === 0 ? 0 : slowCalls / calls,
      openUntil: state === 'open' ? this.openUntil : null,
      openMs: this.openMs,
      probesInFlight: state === 'half-open' ? this.probesIssued - this.probeSuccesses : 0,
    };
  }

  export(): { state: BreakerState; openUntil: number | null; openMs: number } {
    return { state: this.state, openUntil: this.state === 'open' ? this.openUntil : null, openMs: this.openMs };
  }

  /** Resume a saved state (`savedAt`: when it was saved); an open period that has passed turns half-open on the next call. */
  restore(saved: { state: BreakerState; openUntil: number | null; openMs: number }, savedAt: number): void {
    this.openMs = Math.min(Math.max(saved.openMs, this.policy.openMs), this.policy.maxOpenMs);
    if (saved.state === 'open' && saved.openUntil !== null) {
      this.state = 'open';
      this.openUntil = saved.openUntil;
      this.openedAt = savedAt;
    } else if (saved.state === 'half-open') {
      // Probes in flight died with the old worker: start the trial afresh.
      this.state = 'half-open';
      this.probesIssued = 0;
      this.probeSuccesses = 0;
    }
  }

  private recordProbe(now: number, verdict: AttemptVerdict, serverDelayMs: number | undefined): void {
    if (this.state !== 'half-open') return;
    if (verdict === 'ignored') {
      this.probesIssued--; // hand the trial back: an aborted call proves nothing
    } else if (verdict === 'failure') {
      this.trip(now, Math.min(this.openMs * 2, this.policy.maxOpenMs), serverDelayMs);
    } else if (++this.probeSuccesses >= this.policy.halfOpenProbes) {
      this.openMs = this.policy.openMs;
      this.window.reset();
      this.transition('closed');
    }
  }

  /**
   * Opens for as long as the server said (Retry-After) when it said anything: our doubling would
   * keep users waiting long after a backend that asked for 2 s is back. Otherwise for our own
   * period, which doubles on each failed probe up to maxOpenMs, jittered.
   */
  private trip(now: number, ownPeriodMs: number, serverDelayMs: number | undefined): void {
    this.openedAt = now;
    if (serverDelayMs !== undefined) {
      this.openUntil = now + Math.max(1, serverDelayMs);
    } else {
      this.openMs = ownPeriodMs;
      this.openUntil = now + Math.round(ownPeriodMs * (1 - OPEN_JITTER * this.random()));
    }
    this.transition('open');
  }

  private transition(to: BreakerState): void {
    const from = this.state;
    this.state = to;
    this.probesIssued = 0;
    this.probeSuccesses = 0;
    this.onTransition(from, to, to === 'open' ? this.openUntil : null);
  }
}
