/**
 * The outbox: write a note through `resilientFetch` with `outbox: true`, take upstream-1 "offline"
 * (the chaos upstream drops every connection, which the worker sees as a network failure), and
 * watch the note wait in IndexedDB and be delivered, once, when the upstream is back.
 */
import { resilientFetch, type OutboxEvent, type OutboxListing, type ResilienceHandle } from '../../src/index.js';
import { setFaults } from '../clients/chaos.js';
import { h, setText } from './dom.js';
import { clock } from './format.js';

const LOG_SHOWN = 12;

export interface OutboxPanel {
  el: HTMLElement;
  /** Reads the worker's outbox again (after an outbox broadcast, or an action). */
  refresh(): Promise<void>;
}

export function outboxPanel(handle: () => ResilienceHandle | undefined, upstream: string): OutboxPanel {
  let notes = 0;
  let offline = false;
  const lastWrite = h('p', { class: 'outbox-last', 'data-testid': 'outbox-last', role: 'status' }, 'No note written yet.');
  const status = h('p', { class: 'outbox-status', 'data-testid': 'outbox-status' }, 'Nothing waiting.');
  const entries = h('ol', { class: 'restarts', 'data-testid': 'outbox-entries', 'aria-label': 'Writes waiting, oldest first' });
  const log = h('ol', { class: 'restarts', 'data-testid': 'outbox-log', 'aria-label': 'Outbox events, newest first' });
  const offlineToggle = h('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false', 'data-testid': 'outbox-offline' }, 'Go offline');
  offlineToggle.addEventListener('click', async () => {
    offline = !offline;
    await setFaults(upstream, { reset: offline }).catch(() => undefined);
    setText(offlineToggle, offline ? 'Back online' : 'Go offline');
    offlineToggle.setAttribute('aria-pressed', String(offline));
    if (!offline) await handle()?.outbox.flush().catch(() => undefined);
    await refresh();
  });
  const write = h('button', { type: 'button', 'data-testid': 'outbox-write' }, 'Write a note');
  write.addEventListener('click', async () => {
    notes += 1;
    const res = await resilientFetch(`${upstream}/api/notes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ note: notes, at: new Date().toISOString() }),
      resilience: { outbox: true },
    }).catch((error: unknown) => error as Error);
    setText(lastWrite, res instanceof Error ? `Note ${notes}: ${res.message}` : `Note ${notes}: ${res.status}${res.status === 202 ? ' (kept in the outbox)' : ''}.`);
    await refresh();
  });
  const flush = h('button', { type: 'button', class: 'secondary', 'data-testid': 'outbox-flush' }, 'Replay now');
  flush.addEventListener('click', () => void handle()?.outbox.flush().then(render, () => undefined));

  // The worker keeps no timers (the browser may stop it at any moment); an open page may, so this
  // one asks for a replay when the worker's backoff for the waiting writes is over.
  let nextFlush: ReturnType<typeof setTimeout> | undefined;
  function flushWhenDue(listing: OutboxListing): void {
    clearTimeout(nextFlush);
    if (listing.entries.length === 0 || listing.origins.length === 0) return;
    const due = Math.min(...listing.origins.map((o) => o.notBefore));
    nextFlush = setTimeout(() => void handle()?.outbox.flush().then(render, () => undefined), Math.max(0, due - Date.now()) + 100);
  }

  async function refresh(): Promise<void> {
    const listing = await handle()?.outbox.list().catch(() => undefined);
    if (listing !== undefined) render(listing);
  }

  function render(listing: OutboxListing): void {
    flushWhenDue(listing);
    const waiting = listing.entries.map((e) => h('li', {}, h('time', {}, clock(e.createdAt)), ` ${e.method} ${new URL(e.url).pathname}: ${e.attempts} attempt(s), last: ${e.lastCause}`));
    entries.replaceChildren(...(waiting.length > 0 ? waiting : [h('li', {}, 'none')]));
    const next = listing.origins.map((o) => `next automatic try at ${clock(o.notBefore)}`).join('; ');
    setText(status, listing.entries.length === 0 ? 'Nothing waiting.' : `${listing.entries.length} waiting${next ? `; ${next}` : ''}.`);
    const events = listing.log.slice(-LOG_SHOWN).reverse().map((e) => h('li', { 'data-kind': e.kind }, h('time', {}, clock(e.at)), ` ${describe(e)}`));
    log.replaceChildren(...(events.length > 0 ? events : [h('li', {}, 'none yet')]));
  }

  const el = h('section', { class: 'card outbox', 'aria-labelledby': 'outbox-h' },
    h('h2', { id: 'outbox-h' }, 'Outbox'),
    h('p', { class: 'hint' },
      'Writes marked outbox: true that cannot be delivered now are kept in IndexedDB with an Idempotency-Key and answered 202. ',
      '"Go offline" makes upstream-1 drop every connection. Write a few notes, come back online: each is delivered once, in order ',
      '(after the breaker lets a probe through; this page asks for a replay when the backoff shown below is over).'),
    h('div', { class: 'actions' }, write, offlineToggle, flush),
    lastWrite,
    status,
    h('h3', {}, 'Waiting'),
    entries,
    h('h3', {}, 'Replay log'),
    log,
  );
  return { el, refresh };
}

function describe(e: OutboxEvent): string {
  const what = `${e.method} ${new URL(e.url).pathname}`;
  switch (e.kind) {
    case 'queued': return `${what} queued (${e.cause})`;
    case 'deferred': return `${what} still failing (${e.cause}); next try ${clock(e.notBefore)}`;
    case 'delivered': return `${what} delivered: ${e.status} after ${e.attempts} attempt(s)`;
    case 'failed': return `${what} refused by the server: ${e.status} ${e.body.slice(0, 80)}`;
    case 'expired': return `${what} expired after ${e.attempts} attempt(s)`;
    case 'refused': return `${what} not kept (${e.cause})`;
  }
}
