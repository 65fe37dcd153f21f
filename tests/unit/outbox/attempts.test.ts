import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/create-resilient-fetch.js';
import { describeResponse } from '../../../src/core/describe.js';
import { Outbox } from '../../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';
import type { OutboxEvent } from '../../../src/sw/outbox/entry.js';

/**
 * What the outbox says about attempts is what went to the network, as `describeResponse` counts
 * them anywhere else: the 202's X-Resilience-Attempts, the entry in `list()`, and the events. A
 * write whose first send was tried three times did not say 1; one queued while offline, never
 * sent, did not say 1 either. The real engine (no backoff wait: baseDelayMs 0) in front of a
 * transport that answers from a script.
 */
function setup(script: (n: number) => Response | 'network-error') {
  let online = true;
  let n = 0;
  const transport = async (): Promise<Response> => {
    const reply = script(n++);
    if (reply === 'network-error') throw new TypeError('fetch failed');
    return reply;
  };
  const policy = { defaults: { retry: { maxRetries: 2, baseDelayMs: 0, maxDelayMs: 0 }, breaker: { minimumCalls: 1_000 } } };
  const rf = createResilientFetch({ fetch: transport as typeof fetch, isOnline: () => online, policy });
  const events: OutboxEvent[] = [];
  const outbox = new Outbox({ engine: rf, store: new OutboxStore(new IDBFactory()), policy: () => policy, partition: () => null, report: (e) => events.push(e) });
  const post = () => outbox.fetch(new Request('https://api.example.test/orders', { method: 'POST', body: 'x', headers: { 'Idempotency-Key': 'k1' } }), { resilience: { outbox: true } });
  return { outbox, events, post, sent: () => n, setOnline: (value: boolean) => void (online = value) };
}

describe('outbox attempts', () => {
  it('a first send answered 503 three times: the 202 and the entry say 3; a replay answered 200 makes the delivery 4', async () => {
    const t = setup((n) => new Response(null, { status: n < 3 ? 503 : 201 }));
    const res = await t.post();
    expect(res.status).toBe(202);
    expect(t.sent()).toBe(3);
    expect(describeResponse(res).attempts).toBe(3);
    expect((await t.outbox.list()).entries[0]).toMatchObject({ attempts: 3 });
    await t.outbox.replay('flush');
    expect(t.sent()).toBe(4);
    expect(t.events.at(-1)).toMatchObject({ kind: 'delivered', attempts: 4 });
  });

  it('a first send that failed on the network three times (the engine rejects): 3, not 1', async () => {
    const t = setup((n) => (n < 3 ? 'network-error' : new Response(null, { status: 201 })));
    const res = await t.post();
    expect(res.status).toBe(202);
    expect(describeResponse(res).attempts).toBe(3);
    expect((await t.outbox.list()).entries[0]).toMatchObject({ attempts: 3 });
  });

  it('queued while offline and replayed while still offline: nothing was sent, so 0; then delivered at 1', async () => {
    const t = setup(() => new Response(null, { status: 201 }));
    t.setOnline(false);
    const res = await t.post();
    expect(describeResponse(res).attempts).toBe(0);
    await t.outbox.replay('flush');
    expect(t.events.at(-1)).toMatchObject({ kind: 'deferred', cause: 'offline', attempts: 0 });
    t.setOnline(true);
    await t.outbox.replay('flush');
    expect(t.sent()).toBe(1);
    expect(t.events.at(-1)).toMatchObject({ kind: 'delivered', attempts: 1 });
  });
});
