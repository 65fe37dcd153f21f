/** A labelled horizontal gauge with an optional threshold mark: "Failure rate 62% · opens at 50%". */
import { h, setText } from './dom.js';

export interface Gauge {
  el: HTMLElement;
  update(value: number, max: number, text: string, threshold?: number): void;
}

export function gauge(label: string, testId: string): Gauge {
  const valueText = h('span', { class: 'gauge-value', 'data-testid': testId });
  const fill = h('span', { class: 'gauge-fill' });
  const mark = h('span', { class: 'gauge-mark', hidden: true });
  const bar = h('span', { class: 'gauge-bar', role: 'meter', 'aria-label': label, 'aria-valuemin': 0 }, fill, mark);
  const el = h('div', { class: 'gauge' }, h('span', { class: 'gauge-label' }, label), valueText, bar);
  return {
    el,
    update(value, max, text, threshold) {
      const share = max > 0 ? Math.min(1, value / max) : 0;
      fill.style.width = `${(share * 100).toFixed(1)}%`;
      fill.classList.toggle('over', threshold !== undefined && value >= threshold && value > 0);
      bar.setAttribute('aria-valuemax', String(max));
      bar.setAttribute('aria-valuenow', String(value));
      bar.setAttribute('aria-valuetext', text);
      if (threshold !== undefined && max > 0) {
        mark.hidden = false;
        mark.style.left = `${Math.min(100, (threshold / max) * 100).toFixed(1)}%`;
      } else {
        mark.hidden = true;
      }
      setText(valueText, text);
    },
  };
}
