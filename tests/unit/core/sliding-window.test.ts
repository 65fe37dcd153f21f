import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlidingWindow } from '../../../src/core/sliding-window.js';

/** The window by definition: every count whose bucket is one of the last `buckets` up to now (none from the future). */
function naiveSums(log: { at: number; metric: number; n: number }[], now: number, windowMs: number, buckets: number, metrics: number): number[] {
  const bucketMs = windowMs / buckets;
  const start = (t: number) => Math.floor(t / bucketMs) * bucketMs;
  const oldest = start(now) - (buckets - 1) * bucketMs;
  const sums = Array<number>(metrics).fill(0);
  // A bucket's slot is reused when a later (or, after the clock went back, an earlier) bucket
  // lands on it: only the counts of the bucket the slot holds now are kept.
  const holder = new Map<number, number>();
  for (const entry of log) holder.set(((Math.floor(entry.at / bucketMs) % buckets) + buckets) % buckets, start(entry.at));
  for (const entry of log) {
    const s = start(entry.at);
    const slot = ((Math.floor(entry.at / bucketMs) % buckets) + buckets) % buckets;
    if (holder.get(slot) === s && s >= oldest && s <= now) sums[entry.metric]! += entry.n;
  }
  return sums;
}

describe('SlidingWindow', () => {
  it('sums exactly what the last windowMs of buckets hold, however adds and reads interleave in time', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), dt: fc.integer({ min: 0, max: 400 }), metric: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('read' as const), dt: fc.integer({ min: 0, max: 400 }) }),
      fc.record({ kind: fc.constant('back' as const), dt: fc.integer({ min: 1, max: 2_000 }) }),
      fc.record({ kind: fc.constant('reset' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const w = new SlidingWindow(1_000, 3, 10);
        let log: { at: number; metric: number; n: number }[] = [];
        let now = 1_700_000_000_000;
        for (const s of steps) {
          if (s.kind === 'reset') {
            w.reset();
            log = [];
            continue;
          }
          now += s.kind === 'back' ? -s.dt : s.dt;
          if (s.kind === 'add') {
            w.add(now, s.metric, s.n);
            log.push({ at: now, metric: s.metric, n: s.n });
          }
          expect([...w.sums(now)]).toEqual(naiveSums(log, now, 1_000, 10, 3));
        }
      }),
      { numRuns: 300 },
    );
  });
});
