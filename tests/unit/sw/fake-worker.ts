// A service worker's global scope, enough of it to drive installResilience in Node: fetch and
// message events in, respondWith and port replies out. IndexedDB is fake-indexeddb's.
import 'fake-indexeddb/auto';
import { vi } from 'vitest';
import { installResilience } from '../../../src/sw/install-resilience.js';
import type { InstalledResilience, ResilienceConfig } from '../../../src/sw/resilience-config.js';
import type { Command, Reply } from '../../../src/sw/protocol.js';

type Listener = (event: unknown) => void;

export interface FakeWorker {
  installed: InstalledResilience;
  /** Posts a command as a page does; resolves with the reply once the event's waitUntil has settled. */
  command(command: Command): Promise<Reply>;
  /**
   * Dispatches an extendable event (`sync`, `online`...) with these fields; resolves once every
   * promise given to its waitUntil has settled: the moment a browser may stop the worker.
   */
  dispatch(type: string, fields?: object): Promise<void>;
  /** Dispatches a fetch event: the worker's response, or undefined when it left the request to the browser. */
  fetch(request: Request): Promise<Response | undefined>;
}

let dbCounter = 0;
/** A database name no other test uses; pass it to two workers to play a restart or a new version. */
export function freshDbName(): string {
  return `state-${process.pid}-${++dbCounter}-${Math.random().toString(36).slice(2)}`;
}

/** Upstream requests the worker sent, answered by `answer` (200 "ok" by default). */
export function fakeUpstream(answer: (request: Request) => Response | Promise<Response> = () => new Response('ok')) {
  const seen: Request[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request);
    return answer(request);
  });
  return seen;
}

/** `state`: the worker's own state as its script runs (`'installed'`: a new version, not active yet); unset, as where the scope does not say. */
export function startWorker(config: ResilienceConfig, origin = 'https://app.test', state?: ServiceWorkerState): FakeWorker {
  // Broadcasts go nowhere in these tests (and an open channel would keep Node's event loop alive).
  vi.stubGlobal('BroadcastChannel', undefined);
  const listeners = new Map<string, Listener[]>();
  const scope = {
    location: new URL(`${origin}/sw.js`),
    clients: { claim: async () => undefined },
    indexedDB: globalThis.indexedDB,
    registration: {},
    ...(state !== undefined ? { serviceWorker: { state } } : {}),
    addEventListener(type: string, listener: Listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
  } as unknown as ServiceWorkerGlobalScope;
  const installed = installResilience({ log: false, cache: false, ...config }, scope);

  /** Fires `type` at the worker's listeners; returns what they gave waitUntil (more may come while they run). */
  function fire(type: string, fields: object): Promise<unknown>[] {
    const waits: Promise<unknown>[] = [];
    for (const listener of listeners.get(type) ?? []) listener({ type, ...fields, waitUntil: (p: Promise<unknown>) => void waits.push(p) });
    return waits;
  }

  return {
    installed,
    async command(command) {
      const channel = new MessageChannel();
      const reply = new Promise<Reply>((resolve) => (channel.port1.onmessage = (e: MessageEvent<Reply>) => resolve(e.data)));
      const waits = fire('message', { data: command, ports: [channel.port2] });
      try {
        const answer = await reply;
        await Promise.allSettled(waits);
        return answer;
      } finally {
        channel.port1.close();
      }
    },
    async dispatch(type, fields = {}) {
      await Promise.allSettled(fire(type, fields));
    },
    async fetch(request) {
      let responded: Promise<Response> | undefined;
      const waits: Promise<unknown>[] = [];
      const event = { request, respondWith: (r: Promise<Response>) => (responded = r), waitUntil: (p: Promise<unknown>) => waits.push(p) };
      for (const listener of listeners.get('fetch') ?? []) listener(event);
      if (responded === undefined) return undefined;
      const response = await responded;
      await Promise.all(waits);
      return response;
    },
  };
}
