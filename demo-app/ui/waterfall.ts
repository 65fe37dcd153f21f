/**
 * One trace as a waterfall: each span a row, indented under its parent, its bar placed on the
 * trace's time axis. Page span → worker span → one CLIENT span per attempt.
 */
import type { ReceivedSpan } from '../clients/traces.js';
import { h } from './dom.js';
import { ms } from './format.js';

/** Spans in tree order with their depth; a span whose parent is not here is a root. */
export function spanTree(spans: ReceivedSpan[]): { span: ReceivedSpan; depth: number }[] {
  const ids = new Set(spans.map((sp) => sp.spanId));
  const byStart = [...spans].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  for (const sp of byStart) {
    if (sp.parentSpanId && ids.has(sp.parentSpanId)) {
      const list = children.get(sp.parentSpanId) ?? [];
      list.push(sp);
      children.set(sp.parentSpanId, list);
    } else roots.push(sp);
  }
  const out: { span: ReceivedSpan; depth: number }[] = [];
  const walk = (sp: ReceivedSpan, depth: number) => {
    out.push({ span: sp, depth });
    for (const child of children.get(sp.spanId) ?? []) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return out;
}

function detail(sp: ReceivedSpan): string {
  const a = sp.attributes;
  const parts = [
    a['http.response.status_code'] !== undefined ? `HTTP ${String(a['http.response.status_code'])}` : '',
    a['http.request.resend_count'] !== undefined ? `resend ${String(a['http.request.resend_count'])}` : '',
    a['resilience.outcome'] !== undefined ? String(a['resilience.outcome']) : '',
    a['resilience.reason'] !== undefined ? `reason ${String(a['resilience.reason'])}` : '',
    a['resilience.source'] !== undefined ? `source ${String(a['resilience.source'])}` : '',
    a['error.type'] !== undefined ? `error ${String(a['error.type'])}` : '',
  ];
  return parts.filter(Boolean).join(' · ');
}

export function waterfall(spans: ReceivedSpan[]): HTMLElement {
  if (spans.length === 0) return h('p', {}, 'No spans.');
  const start = spans.reduce((m, sp) => (BigInt(sp.startTimeUnixNano) < m ? BigInt(sp.startTimeUnixNano) : m), BigInt(spans[0]!.startTimeUnixNano));
  const end = spans.reduce((m, sp) => (BigInt(sp.endTimeUnixNano) > m ? BigInt(sp.endTimeUnixNano) : m), 0n);
  const total = Math.max(1, Number(end - start) / 1e6);
  const rows = spanTree(spans).map(({ span: sp, depth }) => {
    const left = (Number(BigInt(sp.startTimeUnixNano) - start) / 1e6 / total) * 100;
    const width = Math.max(0.5, (sp.durationMs / total) * 100);
    const error = sp.status.code === 'ERROR';
    return h('li', { class: `span-row${error ? ' error' : ''}`, style: `--depth:${depth}` },
      h('div', { class: 'span-label' },
        h('span', { class: 'span-name' }, sp.name),
        h('span', { class: 'span-meta' }, `${sp.serviceName} · ${sp.kind.toLowerCase()}${error ? ' · ERROR' : ''}`),
        h('span', { class: 'span-detail' }, detail(sp)),
      ),
      h('div', { class: 'span-track', 'aria-hidden': 'true' }, h('span', { class: 'span-bar', style: `left:${left.toFixed(2)}%;width:${Math.min(100 - left, width).toFixed(2)}%` })),
      h('span', { class: 'span-ms' }, ms(sp.durationMs)),
    );
  });
  return h('ol', { class: 'waterfall', 'data-testid': 'waterfall', 'aria-label': `Spans, ${ms(total)} in all` }, ...rows);
}
