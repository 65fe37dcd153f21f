/** The page side of `bench:ab --browser`: the engine copies run.ts bundled, raced as in Node. */
import engines from 'bench:engines';
import { abContenders, abResult } from '../lib/ab-contenders.js';
import { timeInterleaved, type TimingOptions } from '../lib/harness.js';
import type { CoreBenchPage } from './api.js';

const coreBench: CoreBenchPage = {
  ids: () => [],
  run: () => Promise.reject(new Error('ab-page runs ab() only')),
  async ab(closed: boolean, opts: TimingOptions, burst = 1, workerShaped = false) {
    const contenders = abContenders(engines, closed, burst, workerShaped);
    try {
      return abResult(engines, closed, await timeInterleaved(contenders, opts), `Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? ''}`, burst, workerShaped);
    } finally {
      for (const c of contenders) c.dispose?.();
    }
  },
};
window.coreBench = coreBench;

// `?autorun=[closed, opts, burst, workerShaped]` (bench:ab --browser --no-cdp): no Playwright to drive the page,
// so it runs the race itself and POSTs the result back.
const autorun = new URLSearchParams(location.search).get('autorun');
if (autorun !== null) {
  void (async () => {
    const [closed, opts, burst, workerShaped] = JSON.parse(autorun) as [boolean, TimingOptions, number, boolean];
    await fetch('/results', { method: 'POST', body: JSON.stringify(await coreBench.ab!(closed, opts, burst, workerShaped)) });
  })();
}
