/** bench:ab's race, shared by the Node run (ab.ts) and the page (browser/ab-page.ts). */
import { bare, oursBreakerOnly, oursPipeline, oursWorkerShaped, opossumBreakerOnly, opossumPipeline, type Contender } from './contenders.js';
import type { Core } from './load-core.js';
import type { ScenarioResult } from './scenarios.js';
import type { Timing } from './harness.js';

/**
 * bare, each engine (the first is the baseline), and opossum as a yardstick. `burst` > 1: each
 * op starts that many calls at once and awaits them all (calls in flight together, as a page's
 * burst of requests), so a row's µs are per burst. `workerShaped`: ours called as the service worker
 * calls it (contenders.ts oursWorkerShaped).
 */
export function abContenders(engines: { name: string; core: Core }[], closed: boolean, burst = 1, workerShaped = false): Contender[] {
  const ours = closed ? oursBreakerOnly : workerShaped ? oursWorkerShaped : oursPipeline;
  const contenders = [
    bare(),
    ...engines.map((e) => ours(e.core, `ours: ${e.name}`)),
    closed ? opossumBreakerOnly() : opossumPipeline(),
  ];
  if (burst <= 1) return contenders;
  return contenders.map((c) => {
    const one = c.op;
    const calls: Promise<unknown>[] = new Array(burst);
    return { ...c, op: () => {
      for (let i = 0; i < burst; i++) calls[i] = one();
      return Promise.all(calls);
    } };
  });
}

export function abResult(engines: { name: string }[], closed: boolean, timings: Timing[], where: string, burst = 1, workerShaped = false): ScenarioResult {
  return {
    id: closed ? 'closed' : 'success',
    title: `${closed ? 'Closed breaker alone' : workerShaped ? 'Success path as the worker calls it (Request input, cache set; opossum as before)' : 'Success path, full pipeline'}${burst > 1 ? `, bursts of ${burst} calls in flight at once (µs per burst)` : ''}: engines side by side (${where}, ${timings[0]!.samples.length} rounds)`,
    ours: [`ours: ${engines[0]!.name}`],
    timings: timings.map((t) => ({ name: t.contender.name, kind: t.contender.kind, samples: t.samples, cpuSamples: t.cpuSamples, opsPerSample: t.opsPerSample })),
  };
}
