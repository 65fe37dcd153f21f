/**
 * Traffic: the load generator's controls, the outcomes of every call over the last minute, and
 * requests the app made against requests each upstream really received (the retries the
 * budget lets through show as the difference).
 */
import type { Dashboard } from '../model/dashboard.js';
import { OUTCOME_LABEL, OUTCOMES } from '../model/outcomes.js';
import { HISTORY_SECONDS } from '../model/outcome-series.js';
import { LOAD_LIMITS, type LoadGenerator } from '../load/load-generator.js';
import { stackedBars } from './charts.js';
import { h, s, setText, uid } from './dom.js';
import { clock } from './format.js';
import { OUTCOME_COLOR } from './palette.js';

export interface TrafficPanel {
  el: HTMLElement;
  update(now: number): void;
}

export function trafficPanel(model: Dashboard, load: LoadGenerator): TrafficPanel {
  const rateId = uid('load');
  const postId = uid('load');
  const minutesId = uid('load');
  const rate = h('input', { id: rateId, type: 'number', min: 1, max: LOAD_LIMITS.maxRps, step: 1, value: load.current.rps, inputmode: 'numeric' });
  const post = h('input', { id: postId, type: 'range', min: 0, max: 100, step: 5, value: Math.round(load.current.postShare * 100) });
  const postOut = h('output', { for: postId }, `${post.value}%`);
  const minutes = h('input', { id: minutesId, type: 'number', min: 1, max: LOAD_LIMITS.maxMinutes, step: 1, value: load.current.minutes, inputmode: 'numeric' });
  rate.addEventListener('change', () => (rate.value = String(load.update({ rps: Number(rate.value) }).rps)));
  post.addEventListener('input', () => {
    postOut.textContent = `${post.value}%`;
    load.update({ postShare: Number(post.value) / 100 });
  });
  minutes.addEventListener('change', () => (minutes.value = String(load.update({ minutes: Number(minutes.value) }).minutes)));
  const toggle = h('button', { type: 'button', class: 'primary', 'aria-pressed': 'false', 'data-testid': 'load-toggle', onclick: () => (load.running ? load.stop() : load.start()) }, 'Start load');
  const status = h('p', { class: 'load-status', 'data-testid': 'load-status' }, 'Stopped.');

  const chart = s('svg', { class: 'outcomes', role: 'img', 'aria-label': `Outcomes per second, last ${HISTORY_SECONDS} seconds, stacked` });
  const scale = h('span', { class: 'scale' });
  const legendCounts = new Map(OUTCOMES.map((o) => [o, h('strong', { 'data-testid': `outcome-${o}` }, '0')]));
  const legend = h('ul', { class: 'legend', 'aria-label': 'Outcomes since the page opened' },
    ...OUTCOMES.map((o) => h('li', {}, h('span', { class: 'swatch', style: `background:${OUTCOME_COLOR[o]}` }), `${OUTCOME_LABEL[o]} `, legendCounts.get(o)!)));

  const rows = model.origins.map((o) => {
    const made = h('td', { 'data-testid': `made-${o.name}` }, '0');
    const received = h('td', { 'data-testid': `received-${o.name}` }, '—');
    const ratio = h('td', { 'data-testid': `ratio-${o.name}` }, '—');
    return { o, made, received, ratio, tr: h('tr', {}, h('th', { scope: 'row' }, o.name), made, received, ratio) };
  });
  const reset = h('button', { type: 'button', class: 'secondary', onclick: () => model.resetCounters() }, 'Reset counters');

  const el = h('section', { class: 'card traffic', 'aria-labelledby': 'traffic-h' },
    h('h2', { id: 'traffic-h' }, 'Traffic'),
    h('div', { class: 'traffic-grid' },
      h('fieldset', { class: 'load' },
        h('legend', {}, 'Load generator'),
        h('div', { class: 'field' }, h('label', { for: rateId }, `Calls per second (max ${LOAD_LIMITS.maxRps})`), rate),
        h('div', { class: 'field' }, h('label', { for: postId }, 'POST share'), post, postOut),
        h('div', { class: 'field' }, h('label', { for: minutesId }, 'Stop after (minutes)'), minutes),
        h('div', { class: 'actions' }, toggle),
        status,
      ),
      h('figure', { class: 'chart' },
        h('div', { class: 'chart-frame' }, chart, scale),
        h('figcaption', {}, `Outcome of each call, per second, last ${HISTORY_SECONDS} s`),
        legend,
      ),
    ),
    h('div', { class: 'table-scroll' }, h('table', { class: 'amplification' },
      h('caption', {}, 'Requests the app made vs requests the upstream received (retries included, the budget caps the difference)'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Upstream'), h('th', { scope: 'col' }, 'App made'), h('th', { scope: 'col' }, 'Upstream received'), h('th', { scope: 'col' }, 'Received / made'))),
      h('tbody', {}, ...rows.map((r) => r.tr)),
    )),
    h('div', { class: 'actions' }, reset),
  );

  return {
    el,
    update(now) {
      setText(toggle, load.running ? 'Stop load' : 'Start load');
      toggle.setAttribute('aria-pressed', String(load.running));
      setText(status, load.running
        ? `Running: ${load.current.rps}/s, stops at ${clock(load.endsAt ?? now)}; ${load.inFlight} in flight${load.skipped > 0 ? `; ${load.skipped} skipped (over ${LOAD_LIMITS.maxInFlight} in flight)` : ''}.`
        : 'Stopped.');
      const max = stackedBars(chart, model.outcomes.window(now).map((b) => OUTCOMES.map((o) => b.counts[o])), OUTCOMES.map((o) => OUTCOME_COLOR[o]));
      setText(scale, `${max}/s`);
      for (const o of OUTCOMES) setText(legendCounts.get(o)!, String(model.outcomes.totals[o]));
      for (const r of rows) {
        setText(r.made, String(r.o.made));
        const received = r.o.receivedSince;
        setText(r.received, received === undefined ? '—' : String(received));
        setText(r.ratio, received === undefined || r.o.made === 0 ? '—' : `${(received / r.o.made).toFixed(2)}×`);
      }
    },
  };
}
