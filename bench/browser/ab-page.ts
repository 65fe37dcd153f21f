/** The page side of `bench:ab --browser`: the engine copies run.ts bundled, raced as in Node. */
import engines from 'bench:engines';
import { abContenders, abResult } from '../lib/ab-contenders.js';
import { timeInterleaved, type TimingOptions } from '../lib/harness.js';
import type { CoreBenchPage } from './api.js';

const coreBench: CoreBenchPage = {
  ids: () => [],
  run: () => Promise.reject(new Error('ab-page runs ab() only')),
  async ab(closed: boolean, opts: TimingOptions, burst = 1) {
    const contenders = abContenders(engines, closed, burst);
    try {
      return abResult(engines, closed, await timeInterleaved(contenders, opts), `Chromium ${navigator.userAgent.match(/Chrome\/([\d.]+)/)?.[1] ?? ''}`, burst);
    } finally {
      for (const c of contenders) c.dispose?.();
    }
  },
};
window.coreBench = coreBench;

// `?autorun=[closed, opts, burst]` (bench:ab --browser --no-cdp): no Playwright to drive the page,
// so it runs the race itself and POSTs the result back.
const autorun = new URLSearchParams(location.search).get('autorun');
if (autorun !== null) {
  void (async () => {
    const [closed, opts, burst] = JSON.parse(autorun) as [boolean, TimingOptions, number];
    await fetch('/results', { method: 'POST', body: JSON.stringify(await coreBench.ab!(closed, opts, burst)) });
  })();
}
