/** bench:ab's race, shared by the Node run (ab.ts) and the page (browser/ab-page.ts). */
import { bare, oursBreakerOnly, oursPipeline, opossumBreakerOnly, opossumPipeline, type Contender } from './contenders.js';
import type { Core } from './load-core.js';
import type { ScenarioResult } from './scenarios.js';
import type { Timing } from './harness.js';

/** bare, each engine (the first is the baseline), and opossum as a yardstick. */
export function abContenders(engines: { name: string; core: Core }[], closed: boolean): Contender[] {
  return [
    bare(),
    ...engines.map((e) => (closed ? oursBreakerOnly(e.core, `ours: ${e.name}`) : oursPipeline(e.core, `ours: ${e.name}`))),
    closed ? opossumBreakerOnly() : opossumPipeline(),
  ];
}

export function abResult(engines: { name: string }[], closed: boolean, timings: Timing[], where: string): ScenarioResult {
  return {
    id: closed ? 'closed' : 'success',
    title: `${closed ? 'Closed breaker alone' : 'Success path, full pipeline'}: engines side by side (${where}, ${timings[0]!.samples.length} rounds)`,
    ours: [`ours: ${engines[0]!.name}`],
    timings: timings.map((t) => ({ name: t.contender.name, kind: t.contender.kind, samples: t.samples, cpuSamples: t.cpuSamples, opsPerSample: t.opsPerSample })),
  };
}
