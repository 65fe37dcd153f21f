/**
 * One origin at a glance: its breaker (state, timeline, transitions), the rates it is judged on
 * against their thresholds, in-flight and queued against their limits, the retry budget, any
 * server pushback, what came from the cache, and the fault switches of its upstream.
 */
import type { OriginPolicy } from '../../src/core/types.js';
import type { OriginHistory } from '../model/origin-history.js';
import { HISTORY_SECONDS } from '../model/outcome-series.js';
import { breakerTimeline } from './breaker-timeline.js';
import { lines } from './charts.js';
import { h, s, setText } from './dom.js';
import { faultForm } from './fault-form.js';
import { gauge } from './gauge.js';
import { clock, ms, pct, until } from './format.js';
import { FAILURE_COLOR, SLOW_COLOR } from './palette.js';

export interface OriginCard {
  el: HTMLElement;
  update(history: OriginHistory, policy: OriginPolicy, now: number): void;
}

export function originCard(name: string, url: string): OriginCard {
  const headingId = `origin-${name}`;
  const badge = h('span', { class: 'badge', 'data-testid': `breaker-${name}` }, '…');
  const openInfo = h('span', { class: 'open-info' });
  const timeline = breakerTimeline(name);
  const failure = gauge('Failure rate', `failure-rate-${name}`);
  const slow = gauge('Slow calls', `slow-rate-${name}`);
  const inFlight = gauge('In flight', `in-flight-${name}`);
  const queued = gauge('Queued', `queued-${name}`);
  const rateChart = s('svg', { class: 'rates', role: 'img', 'aria-label': `${name} failure and slow-call rates, last ${HISTORY_SECONDS} seconds` });
  const stat = (label: string, key: string) => {
    const dd = h('dd', { 'data-testid': `${key}-${name}` }, '—');
    return { dd, pair: [h('dt', {}, label), dd] };
  };
  const budget = stat('Retry budget left', 'budget');
  const windowCalls = stat('Calls / retries in window', 'window');
  const paused = stat('Paused until', 'paused');
  const fromCache = stat('Served from cache (this tab)', 'cache-hits');
  const stale = stat('Stale serves (worker)', 'stale');
  const rejected = stat('Not sent: refused locally (worker)', 'rejected');

  const el = h('article', { class: 'card origin', 'aria-labelledby': headingId, 'data-testid': `origin-${name}` },
    h('header', { class: 'card-head' }, h('h3', { id: headingId }, name), h('code', { class: 'url' }, url)),
    h('p', { class: 'breaker-line' }, 'Breaker ', badge, ' ', openInfo),
    timeline.el,
    h('div', { class: 'gauges' }, failure.el, slow.el, inFlight.el, queued.el),
    h('figure', { class: 'mini-chart' }, rateChart,
      h('figcaption', {}, h('span', { class: 'key fail' }, 'failure rate'), ' ', h('span', { class: 'key slow' }, 'slow-call rate'), `, last ${HISTORY_SECONDS} s; dashed: thresholds`)),
    h('dl', { class: 'stats' }, ...budget.pair, ...windowCalls.pair, ...paused.pair, ...fromCache.pair, ...stale.pair, ...rejected.pair),
    faultForm(name, url),
  );

  return {
    el,
    update(history, policy, now) {
      const snap = history.snapshot;
      const state = snap?.breaker.state ?? 'not used yet';
      setText(badge, state);
      badge.dataset.state = snap?.breaker.state ?? 'none';
      const b = snap?.breaker;
      setText(openInfo, b === undefined ? '' : b.state === 'open' ? `probes ${until(b.openUntil, now)} · next open period ${ms(b.openMs)}` : b.state === 'half-open' ? `probing (${b.probesInFlight} in flight)` : `${b.calls} calls judged in ${ms(policy.breaker.windowMs)}`);
      timeline.update(history, now);

      const bp = policy.breaker;
      failure.update(b?.failureRate ?? 0, 1, `${pct(b?.failureRate ?? 0)} · opens at ${pct(bp.failureRateThreshold)}`, bp.failureRateThreshold);
      slow.update(b?.slowCallRate ?? 0, 1, `${pct(b?.slowCallRate ?? 0)} (> ${ms(bp.slowCallMs)}) · opens at ${pct(bp.slowCallRateThreshold)}`, bp.slowCallRateThreshold);
      inFlight.update(snap?.inFlight ?? 0, snap?.maxInFlight ?? policy.concurrency.maxInFlight, `${snap?.inFlight ?? 0} / ${snap?.maxInFlight ?? policy.concurrency.maxInFlight}`);
      queued.update(snap?.queued ?? 0, snap?.maxQueue ?? policy.concurrency.maxQueue, `${snap?.queued ?? 0} / ${snap?.maxQueue ?? policy.concurrency.maxQueue}`);

      const span = HISTORY_SECONDS * 1000;
      const toPoint = (y: number, at: number) => ({ x: Math.max(0, (at - (now - span)) / span), y });
      lines(rateChart, [
        { points: history.rates.map((r) => toPoint(r.failureRate, r.at)), color: FAILURE_COLOR },
        { points: history.rates.map((r) => toPoint(r.slowCallRate, r.at)), color: SLOW_COLOR, dashed: true },
      ], [{ y: bp.failureRateThreshold, color: FAILURE_COLOR }, ...(bp.slowCallRateThreshold < 1 ? [{ y: bp.slowCallRateThreshold, color: SLOW_COLOR }] : [])]);

      setText(budget.dd, snap === undefined ? '—' : `${snap.retryBudget}`);
      setText(windowCalls.dd, snap === undefined ? '—' : `${snap.calls} / ${snap.retries}`);
      setText(paused.dd, snap?.pausedUntil != null && snap.pausedUntil > now ? `${clock(snap.pausedUntil)} (${until(snap.pausedUntil, now)})` : '—');
      setText(fromCache.dd, String(history.outcomes.totals.stale));
      setText(stale.dd, String(history.staleServes));
      setText(rejected.dd, String(history.rejections));
    },
  };
}
