// idb recognises IndexedDB objects with `instanceof IDBRequest`, so the fake's classes are globals;
// each test still gets its own database through a fresh IDBFactory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import type { PolicyConfig, ResilientRequestInit } from '../../../src/core/types.js';
import type { OutboxEvent } from '../../../src/sw/outbox/entry.js';
import { Outbox } from '../../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';

export const API = 'https://api.example.test';

/** What the fake engine answers, call after call. */
export type Outcome = number | 'offline' | 'circuit-open' | 'timeout' | 'network-error' | 'abort' | { status: number; body: string };

export interface Sent {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  init: ResilientRequestInit | undefined;
}

/**
 * An outbox over a fresh fake IndexedDB and a scripted engine: each call takes the next outcome
 * (then `otherwise`, 200 unless set) and records exactly what it was sent.
 */
export function setup(options: { policy?: PolicyConfig; partition?: string | null; factory?: IDBFactory; now?: { t: number }; onSend?: (request: Request) => void } = {}) {
  const factory = options.factory ?? new IDBFactory();
  const clock = options.now ?? { t: 1_700_000_000_000 };
  const script: Outcome[] = [];
  let otherwise: Outcome = 200;
  const sent: Sent[] = [];
  const events: OutboxEvent[] = [];
  const degraded: string[] = [];
  let partition = options.partition ?? null;
  let policy: PolicyConfig = options.policy ?? { defaults: { outbox: { maxEntries: 100 } as never } };
  const store = new OutboxStore(factory);
  const engine = async (request: Request, init?: ResilientRequestInit): Promise<Response> => {
    options.onSend?.(request);
    const body = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    sent.push({ url: request.url, method: request.method, headers: new Headers(request.headers), body, init });
    return answer(script.shift() ?? otherwise);
  };
  const outbox = new Outbox({
    engine,
    store,
    policy: () => policy,
    partition: () => partition,
    report: (e) => events.push(e),
    degraded: (m) => degraded.push(m),
    now: () => clock.t,
    random: () => 0.5,
  });
  return {
    outbox,
    store,
    factory,
    clock,
    sent,
    events,
    degraded,
    /** Outcomes for the next engine calls, in order. */
    script: (...outcomes: Outcome[]) => void script.push(...outcomes),
    /** What the engine answers once the script is used up (200 unless set). */
    otherwise: (outcome: Outcome) => void (otherwise = outcome),
    setPartition: (p: string | null) => void (partition = p),
    setPolicy: (p: PolicyConfig) => void (policy = p),
    kinds: () => events.map((e) => e.kind),
    /** A write through the outbox, as the worker would pass it. */
    post: (path: string, body: string, init: { headers?: HeadersInit; outbox?: boolean; method?: string } = {}) =>
      outbox.fetch(new Request(`${API}${path}`, { method: init.method ?? 'POST', body, headers: init.headers }), init.outbox !== undefined ? { resilience: { outbox: init.outbox } } : {}),
  };
}

function answer(outcome: Outcome): Response {
  if (typeof outcome === 'number') return new Response(outcome === 204 ? null : `answer ${outcome}`, { status: outcome });
  if (typeof outcome === 'object') return new Response(outcome.body, { status: outcome.status });
  if (outcome === 'timeout') throw new DOMException('attempt timed out', 'TimeoutError');
  if (outcome === 'network-error') throw new TypeError('fetch failed');
  if (outcome === 'abort') throw new DOMException('aborted by the page', 'AbortError');
  return new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: outcome } });
}
