/**
 * Traces: the latest calls from the embedded receiver, the selected one as a waterfall, and its
 * trace id as text to copy, with a link built from a template for the user's own backend.
 */
import { latestTraces, type TraceSummary } from '../clients/traces.js';
import { h, setText, uid } from './dom.js';
import { clock, ms } from './format.js';
import { waterfall } from './waterfall.js';

/** Traces read per refresh: enough that the newest whole ones are among them at 50 calls/s. */
const FETCH = 60;
const SHOWN = 8;
const TEMPLATE_KEY = 'resilient-fetch-demo:trace-link';

export interface TracePanel {
  el: HTMLElement;
  refresh(): Promise<void>;
}

function urlOf(t: TraceSummary): string {
  for (const sp of t.spans) {
    const url = sp.attributes['url.full'];
    if (typeof url === 'string') return new URL(url).pathname;
  }
  return '';
}

/**
 * Whether the trace has arrived from both sides: its root (the page's span, without a parent) and
 * a child of it (the worker's). Page and worker export separately, on their own schedules.
 */
function isWhole(t: TraceSummary): boolean {
  const root = t.spans.find((sp) => !sp.parentSpanId);
  return root !== undefined && t.spans.some((sp) => sp.parentSpanId === root.spanId);
}

export function tracePanel(receiverUrl: string, defaultTemplate: string): TracePanel {
  let traces: TraceSummary[] = [];
  let selected: string | undefined;
  const followId = uid('trace');
  const follow = h('input', { type: 'checkbox', id: followId, checked: true });
  const tbody = h('tbody', {});
  const body = h('div', { class: 'waterfall-box' }, h('p', {}, 'No traces yet: start the load generator.'));
  const idId = uid('trace');
  const traceId = h('input', { id: idId, readonly: true, class: 'mono', 'data-testid': 'trace-id', value: '', size: 34 });
  const copyMsg = h('span', { class: 'copy-msg', role: 'status' });
  const copy = h('button', { type: 'button', class: 'secondary', onclick: () => void copyText(traceId.value) }, 'Copy');
  const templateId = uid('trace');
  const template = h('input', { id: templateId, class: 'mono', value: localStorage.getItem(TEMPLATE_KEY) ?? defaultTemplate });
  const link = h('a', { class: 'mono trace-link', href: '#', target: '_blank', rel: 'noopener' }, '');
  const status = h('p', { class: 'form-message error', role: 'status' });
  template.addEventListener('change', () => {
    localStorage.setItem(TEMPLATE_KEY, template.value);
    render();
  });

  async function copyText(text: string): Promise<void> {
    if (text === '') return;
    try {
      await navigator.clipboard.writeText(text);
      copyMsg.textContent = 'Copied.';
    } catch {
      traceId.focus();
      traceId.select();
      copyMsg.textContent = 'Selected: press Ctrl+C to copy.';
    }
  }

  function render(): void {
    const active = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.trace : undefined;
    tbody.replaceChildren(...traces.map((t) => {
      const show = h('button', { type: 'button', class: 'link', 'data-trace': t.traceId, 'aria-label': `Show trace ${t.traceId.slice(0, 8)}`, 'aria-pressed': String(t.traceId === selected), onclick: () => {
        selected = t.traceId;
        follow.checked = false;
        render();
      } }, `${t.traceId.slice(0, 8)}…`);
      return h('tr', { class: t.traceId === selected ? 'selected' : '' },
        h('td', {}, show),
        h('td', { class: 'opt' }, clock(Number(BigInt(t.startTimeUnixNano) / 1_000_000n))),
        h('td', { class: 'mono' }, urlOf(t)),
        h('td', { class: 'opt' }, String(t.spanCount)),
        h('td', {}, ms(t.durationMs)),
        h('td', {}, t.hasError ? h('span', { class: 'err' }, 'error') : 'ok'),
      );
    }));
    if (active !== undefined) (tbody.querySelector(`[data-trace="${active}"]`) as HTMLElement | null)?.focus();
    const t = traces.find((x) => x.traceId === selected);
    if (t === undefined) return;
    body.replaceChildren(waterfall(t.spans));
    traceId.value = t.traceId;
    const href = template.value.replaceAll('{traceId}', t.traceId);
    link.href = href;
    setText(link, href);
  }

  const el = h('section', { class: 'card traces', 'aria-labelledby': 'traces-h' },
    h('h2', { id: 'traces-h' }, 'Traces'),
    h('p', { class: 'hint' }, 'Latest calls as exported to the embedded OTLP receiver: page span → worker span → one span per attempt.'),
    h('div', { class: 'switch' }, follow, h('label', { for: followId }, 'Follow the newest trace')),
    h('div', { class: 'table-scroll' },
      h('table', { class: 'trace-list' },
        h('caption', { class: 'sr-only' }, 'Latest traces, newest first'),
        h('thead', {}, h('tr', {}, ...['Trace', 'Started', 'Path', 'Spans', 'Duration', 'Status'].map((c) => h('th', { scope: 'col', class: c === 'Started' || c === 'Spans' ? 'opt' : undefined }, c)))),
        tbody,
      ),
    ),
    body,
    h('div', { class: 'trace-id' },
      h('div', { class: 'field' }, h('label', { for: idId }, 'Trace id'), h('div', { class: 'row' }, traceId, copy), copyMsg),
      h('div', { class: 'field' }, h('label', { for: templateId }, 'Link template ({traceId} is replaced; default: Jaeger)'), template),
      h('p', { class: 'link-line' }, 'Open in your backend: ', link),
    ),
    status,
  );

  return {
    el,
    async refresh() {
      try {
        const latest = await latestTraces(receiverUrl, FETCH);
        // The worker exports after each call, the page every half second: the newest traces are
        // often still missing one side. List the newest whole ones.
        traces = latest.filter(isWhole).slice(0, SHOWN);
        setText(status, '');
      } catch (error) {
        setText(status, `Could not read traces: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      if (follow.checked || !traces.some((t) => t.traceId === selected)) selected = traces[0]?.traceId;
      render();
    },
  };
}
