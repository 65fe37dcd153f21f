import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET, runFleet, type FleetConfig, type RunData } from '../../../sim/fleet.js';
import { kyDefaults, oursDefault } from '../../../sim/kinds.js';
import type { Scenario } from '../../../sim/scenarios.js';
import { recoveryMs } from '../../../sim/summary.js';

/** Ten seconds: healthy, down from 3 s to 6 s, healthy again. */
const tiny: Scenario = {
  id: 'tiny',
  title: 'tiny outage',
  failsAtMs: 3_000,
  returnsAtMs: 6_000,
  durationMs: 10_000,
  capacityShare: (t) => (t >= 3_000 && t < 6_000 ? 0 : 1),
};
const config: FleetConfig = { ...DEFAULT_FLEET, fleetSize: 30, sample: 1, callsPerClientPerSecond: 4 };

/** Everything but the wall-clock time. */
const numbers = ({ wallMs: _wall, ...rest }: RunData) => rest;

describe('the fleet simulation', () => {
  it('gives the same numbers for the same seed, with the real engine in every client', async () => {
    const first = await runFleet(tiny, oursDefault, config);
    const second = await runFleet(tiny, oursDefault, config);
    expect(numbers(second)).toEqual(numbers(first));
    expect(first.series.demand.reduce((a, b) => a + b)).toBeGreaterThan(1000); // 30 clients × 4/s × 10 s, not an empty run
  });

  it('gives different numbers for another seed', async () => {
    const first = await runFleet(tiny, oursDefault, config);
    const other = await runFleet(tiny, oursDefault, { ...config, seed: 2 });
    expect(other.series.arrivals).not.toEqual(first.series.arrivals);
  });

  it('faces every kind of client with the same calls at the same instants', async () => {
    const ours = await runFleet(tiny, oursDefault, config);
    const ky = await runFleet(tiny, kyDefaults, config);
    expect(ky.series.demand).toEqual(ours.series.demand);
    expect(ky.series.arrivals).not.toEqual(ours.series.arrivals); // but they send different requests
  });

  it('scales sampled counts up to the fleet', async () => {
    const whole = await runFleet(tiny, kyDefaults, config);
    const sampled = await runFleet(tiny, kyDefaults, { ...config, fleetSize: 300, sample: 0.1 });
    expect(sampled.clients).toBe(30);
    expect(sampled.series.demand).toEqual(whole.series.demand.map((v) => v * 10));
  });
});

describe('a front end that announces the return (Retry-After: until-return)', () => {
  it('keeps our clients off the dead backend until it is back, then they are answered fresh at once', async () => {
    const silent = await runFleet(tiny, oursDefault, config);
    const announced = await runFleet(tiny, oursDefault, { ...config, retryAfterSeconds: 'until-return' });
    // 5 s to 6 s: past the onset, in which each client's first call learns when the backend is back
    const during = (run: RunData) => run.series.arrivals[5]!;
    expect(during(silent)).toBeGreaterThan(5); // probes every 1-2.5 s per client
    expect(during(announced)).toBe(0);
    const firstFresh = announced.firstFreshAfterReturnMs.filter((ms) => !Number.isNaN(ms));
    expect(firstFresh.length).toBe(30);
    expect(Math.max(...firstFresh)).toBeLessThan(1_500); // each client's next call after the return (4 calls/s)
  });
});

describe('recovery time', () => {
  it('is the start of the first full window after the return that never falls back', () => {
    const fresh = [100, 100, 0, 0, 150, 20, 100, 100, 100, 100, 100, 100, 100, 100];
    // a burst at bin 4 that collapses at bin 5 is not a recovery; bin 6 onwards is
    expect(recoveryMs(fresh, 1000, 2, 100)).toBe(4_000);
  });

  it('is null when goodput never comes back', () => {
    expect(recoveryMs([100, 0, 0, 0, 0, 0, 0, 0], 1000, 1, 100)).toBeNull();
  });
});
