/**
 * The service worker's life. A page cannot stop its worker: the browser stops it when it has
 * been idle a while (Chromium: about 30 s without events). Every request the page makes, and
 * every message it sends, wakes the worker, so "Let the worker idle" stops the load and all of
 * this dashboard's polling; the heartbeat (a BroadcastChannel message, which wakes nothing) then
 * shows it stopped. The next call starts a new instance, and the log shows the breaker state
 * it restored from IndexedDB. (Checked by hand in a Chromium without DevTools on the worker:
 * stopped 30-35 s after the last event. Playwright attaches to service workers, which disables
 * the idle timeout, so the e2e test stops the worker over CDP instead.)
 */
import type { Dashboard } from '../model/dashboard.js';
import { h, setText } from './dom.js';
import { clock } from './format.js';

export interface WorkerPanel {
  el: HTMLElement;
  update(idle: boolean): void;
}

export function workerPanel(model: Dashboard, setIdle: (idle: boolean) => void): WorkerPanel {
  const status = h('p', { class: 'worker-status', 'data-testid': 'worker-status' }, 'Starting…');
  const toggle = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', 'data-testid': 'idle-toggle' }, 'Let the worker idle');
  let idle = false;
  toggle.addEventListener('click', () => setIdle(!idle));
  const log = h('ol', { class: 'restarts', 'data-testid': 'restarts', 'aria-label': 'Worker restarts, newest first' });
  let logged = -1;

  const el = h('section', { class: 'card worker', 'aria-labelledby': 'worker-h' },
    h('h2', { id: 'worker-h' }, 'Worker restarts'),
    status,
    h('p', { class: 'hint' },
      'A page cannot stop its service worker; the browser stops it once idle (Chromium: about 30 s without events), and every request or message from this page wakes it. ',
      'To watch the state survive a restart: open a breaker, press the button below (it stops the load and all polling), wait for the status to say stopped, then press it again. ',
      'Faster: the "stop" link in DevTools › Application › Service workers. While DevTools inspects the worker itself, Chromium never stops it for idleness.'),
    h('div', { class: 'actions' }, toggle),
    h('h3', {}, 'Restarts seen'),
    log,
  );

  return {
    el,
    update(nowIdle) {
      idle = nowIdle;
      setText(toggle, idle ? 'Resume polling' : 'Let the worker idle');
      toggle.setAttribute('aria-pressed', String(idle));
      const w = model.worker;
      const text =
        w.kind === 'starting' ? 'Starting the worker…'
        : w.kind === 'none' ? `No service worker: ${w.message}`
        : w.kind === 'running' ? `Running: instance ${w.instance}, started ${clock(w.startedAt)}.${idle ? ' Idle: nothing is sent to it.' : ''}`
        : `Stopped by the browser (no heartbeat since ${clock(w.since)}); instance ${w.instance} is gone. The next call starts a new one.`;
      setText(status, text);
      status.dataset.kind = w.kind;
      const done = model.restarts.filter((r) => r.restored !== undefined).length;
      if (done === logged) return;
      logged = done;
      const items = [...model.restarts].reverse().map((r) => h('li', {},
        h('time', {}, clock(r.at)), ` new instance ${r.instance}; restored: `,
        r.restored === undefined ? '…' : r.restored.map((o) => `${o.name} ${o.state}${o.openUntil !== null ? ` (probes at ${clock(o.openUntil)})` : ''}`).join(', ')));
      log.replaceChildren(...(items.length > 0 ? items : [h('li', {}, 'none yet')]));
    },
  };
}
