import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/create-resilient-fetch.js';
import { Outbox } from '../../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';

/** The outbox in front of the real engine, with a transport that records what left. */
describe('through the real engine', () => {
  it('offline: queued without touching the network; online: delivered once with its key and bytes', async () => {
    let online = false;
    const arrived: { method: string; key: string | null; body: number[] }[] = [];
    const transport = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      arrived.push({ method: request.method, key: request.headers.get('idempotency-key'), body: [...new Uint8Array(await request.arrayBuffer())] });
      return new Response('created', { status: 201 });
    };
    const rf = createResilientFetch({ fetch: transport as typeof fetch, isOnline: () => online });
    const outbox = new Outbox({ engine: rf, store: new OutboxStore(new IDBFactory()), policy: () => ({}), partition: () => null });
    const body = new Uint8Array([0, 1, 2, 255, 254]);
    const res = await outbox.fetch(new Request('https://api.example.test/blobs', { method: 'PUT', body }), { resilience: { outbox: true } });
    expect(res.status).toBe(202);
    expect(arrived).toEqual([]);
    online = true;
    await outbox.replay('online');
    await outbox.replay('online');
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.method).toBe('PUT');
    expect(arrived[0]!.key).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(arrived[0]!.body).toEqual([0, 1, 2, 255, 254]); // byte for byte
    expect((await outbox.list()).log.map((e) => e.kind)).toEqual(['queued', 'delivered']);
  });
});

/**
 * A write made with `redirect: 'error'` that meets a redirect: the engine refuses it (sent once,
 * a TypeError). That is the server's answer, not an outage: the outbox must not keep the write
 * and send it again (a POST answered 303 See Other was usually applied), at first send or replay.
 */
describe("redirect: 'error' through the outbox", () => {
  function world() {
    let online = true;
    const arrived: string[] = [];
    const transport = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      arrived.push(`${request.method} ${new URL(request.url).pathname}`);
      return new Response(null, { status: 303, headers: { Location: 'https://api.example.test/orders/1' } }); // Node's fetch under 'manual': the 3xx itself
    };
    const rf = createResilientFetch({ fetch: transport as typeof fetch, isOnline: () => online });
    const outbox = new Outbox({ engine: rf, store: new OutboxStore(new IDBFactory()), policy: () => ({}), partition: () => null });
    const write = () => new Request('https://api.example.test/orders', { method: 'POST', body: '{"n":1}', headers: { 'Idempotency-Key': 'order-1' }, redirect: 'error' });
    return { outbox, arrived, write, goOnline: () => void (online = true), goOffline: () => void (online = false) };
  }

  it('at the first send: the caller gets the TypeError, as without the outbox, and nothing is kept', async () => {
    const w = world();
    await expect(w.outbox.fetch(w.write(), { resilience: { outbox: true } })).rejects.toThrow(TypeError);
    expect(w.arrived).toEqual(['POST /orders']);
    expect((await w.outbox.list()).entries).toEqual([]);
  });

  it('at a replay: the server answered, so the write is not kept and sent again', async () => {
    const w = world();
    w.goOffline();
    expect((await w.outbox.fetch(w.write(), { resilience: { outbox: true } })).status).toBe(202);
    w.goOnline();
    await w.outbox.replay('online');
    await w.outbox.replay('online');
    expect(w.arrived).toEqual(['POST /orders']);
    expect((await w.outbox.list()).entries).toEqual([]);
  });
});
