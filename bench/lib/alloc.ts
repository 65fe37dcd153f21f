/**
 * Bytes allocated per call, measured in a child process started with
 * `--expose-gc --min-semi-space-size=64 --max-semi-space-size=64` (MB).
 *
 * Method: after warm-up, force a full GC, read `v8.getHeapStatistics().used_heap_size`, run N
 * awaited calls, read it again. V8 allocates by bumping a pointer, and nothing is freed until a
 * GC runs, so when no GC ran in between, the growth of the used heap is exactly the bytes the N
 * calls allocated on the JS heap (live or garbage alike). The young generation is made large
 * (64 MB) so that N calls fit without a scavenge; a `PerformanceObserver` on `gc` entries tells
 * us if one ran anyway, and such a sample is thrown away and retaken. We report the median over
 * several samples. Not counted: off-heap memory (ArrayBuffer backing stores, native undici
 * state); with a body-less fake Response there is none on this path. The harness loop and the
 * fake transport allocate too; that is the `bare` row, and `net` subtracts it.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { Contender } from './contenders.js';

export interface AllocResult {
  name: string;
  kind: Contender['kind'];
  bytesPerOp: number;
  samples: number;
  discarded: number;
}

let gcCount = 0;
const observer = new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
});
observer.observe({ entryTypes: ['gc'] });

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

export async function measureAllocation(contender: Contender, n: number, samples: number, warmup: number): Promise<AllocResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  await contender.verify();
  for (let i = 0; i < warmup; i++) await contender.op();
  const taken: number[] = [];
  let discarded = 0;
  while (taken.length < samples && discarded < samples * 4) {
    gc();
    await settle(); // deliver the forced GC's entry before we start counting
    const gcsBefore = gcCount;
    const before = v8.getHeapStatistics().used_heap_size;
    for (let i = 0; i < n; i++) await contender.op();
    const after = v8.getHeapStatistics().used_heap_size;
    await settle();
    if (gcCount !== gcsBefore || after < before) {
      discarded++;
      continue;
    }
    taken.push((after - before) / n);
  }
  taken.sort((a, b) => a - b);
  const bytesPerOp = taken.length === 0 ? NaN : taken[Math.floor(taken.length / 2)]!;
  return { name: contender.name, kind: contender.kind, bytesPerOp, samples: taken.length, discarded };
}
