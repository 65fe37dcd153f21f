/**
 * A bounded load generator: at most 50 calls per second, spread round-robin over the upstreams,
 * a share of them POSTs, stopping by itself after a few minutes, and never more than 200 calls
 * of its own in flight (further ticks are skipped and counted), so a hung upstream cannot make
 * the tab pile up requests.
 */
import type { CallResult } from '../model/outcomes.js';
import { call } from './call.js';

export interface LoadSettings {
  /** Calls per second, all upstreams together. */
  rps: number;
  /** 0..1: share of calls that are POSTs (not idempotent: never retried, never cached). */
  postShare: number;
  /** Stops by itself after this long. */
  minutes: number;
}

export const LOAD_LIMITS = { maxRps: 50, maxMinutes: 10, maxInFlight: 200 } as const;
export const DEFAULT_LOAD: LoadSettings = { rps: 10, postShare: 0.2, minutes: 5 };

/** GETs cycle over a few paths, so the fallback cache holds a copy of each. */
const GET_PATHS = 6;
const TICK_MS = 100;

export class LoadGenerator {
  private timer: ReturnType<typeof setInterval> | undefined;
  private settings: LoadSettings = { ...DEFAULT_LOAD };
  private credit = 0;
  private postCredit = 0;
  private sequence = 0;
  private lastTick = 0;
  endsAt: number | undefined;
  inFlight = 0;
  skipped = 0;

  constructor(
    private readonly upstreams: string[],
    private readonly onResult: (result: CallResult) => void,
    private readonly onChange: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  get current(): Readonly<LoadSettings> {
    return this.settings;
  }

  /** Clamps to the limits; applies at once when running. */
  update(settings: Partial<LoadSettings>): LoadSettings {
    const next = { ...this.settings, ...settings };
    this.settings = {
      rps: clamp(next.rps, 0.5, LOAD_LIMITS.maxRps),
      postShare: clamp(next.postShare, 0, 1),
      minutes: clamp(next.minutes, 0.5, LOAD_LIMITS.maxMinutes),
    };
    if (this.running && settings.minutes !== undefined) this.endsAt = Date.now() + this.settings.minutes * 60_000;
    this.onChange();
    return this.settings;
  }

  start(): void {
    if (this.running) return;
    this.credit = 1; // the first call goes out now, not a tick later
    this.lastTick = performance.now();
    this.endsAt = Date.now() + this.settings.minutes * 60_000;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.tick();
    this.onChange();
  }

  stop(): void {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.endsAt = undefined;
    this.onChange();
  }

  private tick(): void {
    if (this.endsAt !== undefined && Date.now() >= this.endsAt) return this.stop();
    const now = performance.now();
    // A throttled background tab ticks late; do not burst to catch up by more than a second.
    this.credit = Math.min(this.credit + (this.settings.rps * (now - this.lastTick)) / 1000, Math.max(1, this.settings.rps));
    this.lastTick = now;
    while (this.credit >= 1) {
      this.credit -= 1;
      if (this.inFlight >= LOAD_LIMITS.maxInFlight) {
        this.skipped++;
        continue;
      }
      this.fire();
    }
  }

  private fire(): void {
    const n = this.sequence++;
    const upstream = this.upstreams[n % this.upstreams.length]!;
    // Deterministic mix: exactly postShare of the calls, evenly spread.
    this.postCredit += this.settings.postShare;
    const post = this.postCredit >= 1;
    if (post) this.postCredit -= 1;
    const request = post
      ? call(`${upstream}/api/orders`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ order: n }) })
      : call(`${upstream}/api/items/${Math.floor(n / this.upstreams.length) % GET_PATHS}`);
    this.inFlight++;
    void request.then((result) => {
      this.inFlight--;
      this.onResult(result);
    });
  }
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
