import { describe, expect, it } from 'vitest';
import { describeResponse } from '../../../src/core/describe.js';
import { API, setup } from './helpers.js';

describe('queueing a write that cannot be delivered now', () => {
  it('answers 202 from the outbox with the entry id, and keeps method, url, headers and body', async () => {
    const t = setup();
    t.script('offline');
    const res = await t.post('/orders', '{"n":1}', { headers: { 'Content-Type': 'application/json', 'X-App': 'a' } });
    expect(res.status).toBe(202);
    expect(describeResponse(res)).toMatchObject({ source: 'outbox', reason: 'queued' });
    const id = res.headers.get('X-Resilience-Outbox-Id');
    const [entry] = await t.store.entries();
    expect(entry).toMatchObject({ id, method: 'POST', url: `${API}/orders`, lastCause: 'offline', attempts: 0 }); // offline: nothing was sent
    expect(new Headers(entry!.headers).get('x-app')).toBe('a');
    expect(new TextDecoder().decode(await t.store.body(entry!.seq))).toBe('{"n":1}');
    expect(t.kinds()).toEqual(['queued']);
  });

  it("keeps the caller's Idempotency-Key, or generates one that the first send already carried", async () => {
    const t = setup();
    t.otherwise('offline');
    await t.post('/a', 'x', { headers: { 'Idempotency-Key': 'mine-1' } });
    await t.outbox.fetch(new Request('https://other.example.test/b', { method: 'POST', body: 'y' }), {});
    expect(t.sent[0]!.headers.get('idempotency-key')).toBe('mine-1');
    const generated = t.sent[1]!.headers.get('idempotency-key');
    expect(generated).toMatch(/^"[0-9a-f-]{36}"$/);
    expect((await t.store.entries()).map((e) => e.idempotencyKey)).toEqual(['mine-1', generated]);
  });

  // Headers trim a value, so a whitespace key reads as ''. An empty key is no key: a server cannot
  // recognise a replay by it, so the write would not be applied exactly once as promised.
  it.each([[''], ['   ']])("treats an empty Idempotency-Key (%j) as none: the first send and every replay carry one it generated", async (empty) => {
    const t = setup();
    t.otherwise('offline');
    await t.post('/a', 'x', { headers: { 'Idempotency-Key': empty } });
    const sent = t.sent[0]!.headers.get('idempotency-key');
    expect(sent).toMatch(/^"[0-9a-f-]{36}"$/);
    const [entry] = await t.store.entries();
    expect(entry!.idempotencyKey).toBe(sent);
    expect(new Headers(entry!.headers).get('idempotency-key')).toBe(sent);
  });

  it.each([
    ['circuit-open', 'circuit-open'],
    ['a final 503', 503],
    ['a timeout', 'timeout'],
    ['a network error', 'network-error'],
  ] as const)('keeps the write after %s', async (_what, outcome) => {
    const t = setup();
    t.script(outcome);
    expect((await t.post('/w', 'body')).status).toBe(202);
    expect(await t.store.entries()).toHaveLength(1);
  });

  it('gives the caller a 4xx answer and keeps nothing: the server judged the write itself', async () => {
    const t = setup();
    t.script({ status: 409, body: 'duplicate order' });
    const res = await t.post('/orders', 'x');
    expect(res.status).toBe(409);
    expect(await res.text()).toBe('duplicate order');
    expect(await t.store.entries()).toEqual([]);
  });

  it("rethrows a caller's abort and keeps nothing", async () => {
    const t = setup();
    t.script('abort');
    await expect(t.post('/orders', 'x')).rejects.toMatchObject({ name: 'AbortError' });
    expect(await t.store.entries()).toEqual([]);
  });

  it('leaves writes alone unless the call or the policy marks them, and reads (GET) always', async () => {
    const t = setup({ policy: {} });
    t.script('offline', 'offline');
    expect((await t.post('/w', 'x')).status).toBe(503);
    expect((await t.outbox.fetch(new Request(`${API}/r`), { resilience: { outbox: true } })).status).toBe(503);
    expect(await t.store.entries()).toEqual([]);
    t.script('offline');
    expect((await t.post('/w', 'x', { outbox: true })).status).toBe(202);
  });

  it('leaves a bypass call alone: no resilience at all', async () => {
    const t = setup();
    t.script('network-error');
    await expect(t.outbox.fetch(new Request(`${API}/w`, { method: 'POST', body: 'x' }), { resilience: { outbox: true, bypass: true } })).rejects.toThrow('fetch failed');
    expect(await t.store.entries()).toEqual([]);
  });

  it('puts a write behind older ones of the same origin without sending it (FIFO), and replays them in order', async () => {
    const t = setup();
    t.script('offline');
    await t.post('/1', 'one');
    const behind = await t.post('/2', 'two');
    expect(behind.status).toBe(202);
    expect(behind.headers.get('X-Resilience-Attempts')).toBe('0');
    await t.outbox.settled();
    expect(t.sent.map((s) => s.body)).toEqual(['one']); // 'two' never went past 'one'; the origin waits out its backoff
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual(['one', 'one', 'two']);
    expect(await t.store.entries()).toEqual([]);
  });
});

describe('bounds', () => {
  it('refuses past maxEntries per partition: the caller gets the original failure, marked', async () => {
    const t = setup({ policy: { defaults: { outbox: { maxEntries: 2 } as never } } });
    t.otherwise('offline');
    await t.post('/1', 'a');
    await t.post('/2', 'b');
    const res = await t.post('/3', 'c');
    expect(res.status).toBe(503);
    expect(res.headers.get('X-Resilience-Outbox-Refused')).toBe('full');
    await t.outbox.settled();
    expect((await t.store.entries()).length).toBe(2);
    expect(t.kinds().filter((k) => k !== 'deferred')).toEqual(['queued', 'queued', 'refused']);
    // another partition has its own count
    t.setPartition('bob');
    expect((await t.post('/4', 'd')).status).toBe(202);
  });

  it('refuses past maxBytes in all, and a body larger than maxBytes on its own', async () => {
    const t = setup({ policy: { defaults: { outbox: { maxBytes: 10 } as never } } });
    t.script('offline');
    expect((await t.post('/1', '12345678')).status).toBe(202);
    t.setPartition('other'); // not sent past '/1' of the other partition: tried, failed, refused
    t.script(503);
    expect((await t.post('/2', '123')).headers.get('X-Resilience-Outbox-Refused')).toBe('full');
    t.script('network-error');
    await expect(t.post('/3', '12345678901')).rejects.toThrow(/fetch failed; the outbox could not keep it \(too-large\)/);
  });

  it('reports entries past maxAgeMs as expired, never sends them, and removes them', async () => {
    const t = setup({ policy: { defaults: { outbox: { maxAgeMs: 60_000 } as never } } });
    t.script('offline');
    await t.post('/old', 'old');
    t.clock.t += 60_001;
    await t.outbox.replay('flush');
    expect(t.sent).toHaveLength(1);
    expect(t.kinds()).toEqual(['queued', 'expired']);
    expect(await t.store.entries()).toEqual([]);
    expect((await t.outbox.list()).log.map((e) => e.kind)).toEqual(['queued', 'expired']);
  });
});
