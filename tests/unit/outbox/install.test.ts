import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import type { OutboxEvent } from '../../../src/sw/outbox/entry.js';
import { installOutbox, SYNC_TAG } from '../../../src/sw/outbox/install.js';

/** Just enough of a ServiceWorkerGlobalScope: events, IndexedDB and a registration with sync. */
function fakeScope() {
  const target = new EventTarget();
  const syncTags: string[] = [];
  const scope = Object.assign(target, {
    indexedDB: new IDBFactory(),
    registration: { sync: { register: async (tag: string) => void syncTags.push(tag) } },
  });
  return { scope: scope as unknown as ServiceWorkerGlobalScope, target, syncTags };
}

/** Dispatches a `sync` event and resolves with what its waitUntil promise settled to. */
async function fireSync(target: EventTarget): Promise<'resolved' | 'rejected'> {
  let work: Promise<unknown> = Promise.resolve();
  const event = Object.assign(new Event('sync'), { tag: SYNC_TAG, waitUntil: (p: Promise<unknown>) => void (work = p) });
  target.dispatchEvent(event);
  return work.then(() => 'resolved', () => 'rejected');
}

function setup(answer: () => Response) {
  const { scope, target, syncTags } = fakeScope();
  const events: OutboxEvent[] = [];
  const outbox = installOutbox({
    scope,
    engine: async () => answer(),
    policy: () => ({ defaults: { outbox: true as never } }),
    partition: () => null,
    ready: Promise.resolve(),
    broadcast: (e) => events.push(e),
    onEvent: () => undefined,
  });
  return { outbox, target, syncTags, events };
}

const offline = () => new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: 'offline' } });

describe('the outbox in a worker', () => {
  it('registers a Background Sync tag when it queues, and a sync that leaves writes waiting rejects (the browser retries later)', async () => {
    let online = false;
    const t = setup(() => (online ? new Response('ok') : offline()));
    const res = await t.outbox.fetch(new Request('https://api.test/w', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(202);
    await t.outbox.settled();
    expect(t.syncTags).toEqual([SYNC_TAG]);
    expect(await fireSync(t.target)).toBe('rejected'); // within the backoff: still waiting
    online = true;
    await t.outbox.command({ action: 'flush' });
    expect(await fireSync(t.target)).toBe('resolved');
  });

  it('clear with partition null drops the unpartitioned entries; without one, all', async () => {
    const t = setup(offline);
    await t.outbox.fetch(new Request('https://api.test/w', { method: 'POST', body: 'x' }));
    expect((await t.outbox.command({ action: 'list' })).entries).toHaveLength(1);
    expect((await t.outbox.command({ action: 'clear', partition: 'someone' })).entries).toHaveLength(1);
    expect((await t.outbox.command({ action: 'clear', partition: null })).entries).toHaveLength(0);
  });
});
