// A new version of the worker script runs while the old one is still active (it installs, then
// waits). Only the active worker may replay: two workers draining one queue send the same write
// twice at once, and a server implementing Idempotency-Key answers the second 409.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import { installOutbox } from '../../../src/sw/outbox/install.js';

afterEach(() => void vi.useRealTimers());

/** A worker global scope at a stage of its life, on a shared IndexedDB, sending through `engine`. */
function worker(factory: IDBFactory, state: ServiceWorkerState, engine: (request: Request) => Response) {
  const target = new EventTarget();
  const scope = Object.assign(target, { indexedDB: factory, registration: {}, serviceWorker: { state } }) as unknown as ServiceWorkerGlobalScope;
  const outbox = installOutbox({ scope, engine: async (r) => engine(r), policy: () => ({ defaults: { outbox: true as never } }), partition: () => null, ready: Promise.resolve(), broadcast: () => undefined, onEvent: () => undefined });
  /** Fires `activate` and waits for its waitUntil, as the browser does before the worker takes over. */
  const activate = async () => {
    const waits: Promise<unknown>[] = [];
    target.dispatchEvent(Object.assign(new Event('activate'), { waitUntil: (p: Promise<unknown>) => void waits.push(p) }));
    await Promise.all(waits);
  };
  return { outbox, activate };
}

const offline = () => new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: 'offline' } });

describe('a new version of the worker', () => {
  it('replays the queue only once it is activated, and under the activate event', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const factory = new IDBFactory();
    const old = worker(factory, 'activated', offline);
    expect((await old.outbox.fetch(new Request('https://api.test/notes', { method: 'POST', body: 'note' }))).status).toBe(202);
    await old.outbox.settled();
    vi.setSystemTime(Date.now() + 60_000); // past the backoff: a starting worker would replay

    const sent: string[] = [];
    const next = worker(factory, 'installing', (request) => (sent.push(request.url), new Response('ok')));
    await next.outbox.settled();
    expect(sent).toEqual([]); // the old worker still owns the queue
    await next.activate();
    expect(sent).toEqual(['https://api.test/notes']);
  });
});
