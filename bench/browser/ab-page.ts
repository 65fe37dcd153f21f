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
