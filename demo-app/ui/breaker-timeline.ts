/** The breaker's state over the last minute as a colored strip, and its latest transitions as text. */
import type { OriginHistory } from '../model/origin-history.js';
import { HISTORY_SECONDS } from '../model/outcome-series.js';
import { strip } from './charts.js';
import { h, s } from './dom.js';
import { clock } from './format.js';
import { STATE_COLOR } from './palette.js';

const WINDOW_MS = HISTORY_SECONDS * 1000;
const LISTED = 4;

export interface BreakerTimeline {
  el: HTMLElement;
  update(history: OriginHistory, now: number): void;
}

export function breakerTimeline(name: string): BreakerTimeline {
  const svg = s('svg', { class: 'strip', role: 'img', 'aria-label': `${name} breaker state, last ${HISTORY_SECONDS} seconds` });
  const list = h('ol', { class: 'transitions', 'aria-label': `${name} breaker transitions, newest first` });
  const el = h('div', { class: 'timeline' }, h('div', { class: 'chart-label' }, `Breaker, last ${HISTORY_SECONDS} s`), svg, list);
  let rendered = '';
  return {
    el,
    update(history, now) {
      const start = now - WINDOW_MS;
      const t = history.transitions;
      const segments: { from: number; to: number; color: string }[] = [];
      let from = start;
      let state = t.length > 0 ? t[0]!.from : (history.state ?? 'closed');
      for (const tr of t) {
        segments.push({ from, to: tr.at, color: STATE_COLOR[state] ?? '#888' });
        from = tr.at;
        state = tr.to;
      }
      segments.push({ from, to: now, color: STATE_COLOR[history.state ?? state] ?? '#888' });
      strip(svg, segments, start, now);
      const key = t.map((x) => x.at).join();
      if (key === rendered) return;
      rendered = key;
      const items = t.slice(-LISTED).reverse().map((tr) => h('li', {}, h('time', {}, clock(tr.at)), ` ${tr.from} → `, h('strong', {}, tr.to)));
      list.replaceChildren(...(items.length > 0 ? items : [h('li', {}, 'no transitions yet')]));
    },
  };
}
