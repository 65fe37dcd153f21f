import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { CONFLICT_PATIENCE_MS } from '../../../src/sw/outbox/decision.js';
import { API, setup } from './helpers.js';

/** Queues `bodies` as writes to API/path-n while the device is offline. */
async function queued(t: ReturnType<typeof setup>, ...bodies: string[]): Promise<string[]> {
  const ids: string[] = [];
  t.otherwise('offline'); // the replays that writes queued behind others start find it offline too
  for (const [i, body] of bodies.entries()) {
    const res = await t.post(`/w${i}`, body);
    expect(res.status).toBe(202);
    ids.push(res.headers.get('X-Resilience-Outbox-Id')!);
  }
  await t.outbox.settled();
  t.otherwise(200);
  t.sent.length = 0;
  t.events.length = 0;
  return ids;
}

describe('replay outcomes', () => {
  it('503, then a timeout, then 200: delivered once, never dropped on the way', async () => {
    const t = setup();
    await queued(t, 'payload');
    t.script(503);
    await t.outbox.replay('flush');
    expect(await t.store.entries()).toHaveLength(1);
    t.script('timeout');
    await t.outbox.replay('flush');
    expect((await t.store.entries())[0]).toMatchObject({ attempts: 2, lastCause: 'timeout' }); // queued offline (none sent), the 503, the timeout
    t.script(200);
    await t.outbox.replay('flush');
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual(['payload', 'payload', 'payload']);
    expect(new Set(t.sent.map((s) => s.headers.get('idempotency-key'))).size).toBe(1); // one key across replays
    expect(t.kinds()).toEqual(['deferred', 'deferred', 'delivered']);
    expect(t.events.at(-1)).toMatchObject({ kind: 'delivered', status: 200, attempts: 3 });
    expect(await t.store.entries()).toEqual([]);
  });

  it('a 409 on replay (its Idempotency-Key still being processed, per the draft): kept, sent again with the same key, delivered once', async () => {
    const t = setup();
    const [id] = await queued(t, 'order');
    t.script({ status: 409, body: 'a request with this key is in progress' });
    await t.outbox.replay('flush');
    expect(await t.store.entries()).toEqual([expect.objectContaining({ id, lastCause: 'status 409' })]);
    expect(t.events).toEqual([expect.objectContaining({ kind: 'deferred', id, cause: 'status 409' })]);
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual(['order', 'order']);
    expect(new Set(t.sent.map((s) => s.headers.get('idempotency-key'))).size).toBe(1);
    expect(t.kinds()).toEqual(['deferred', 'delivered']);
    expect(await t.store.entries()).toEqual([]);
  });

  it('a 409 that lasts past CONFLICT_PATIENCE_MS is the server refusing the write: failed with the body, removed', async () => {
    const t = setup();
    const [id] = await queued(t, 'order');
    t.otherwise({ status: 409, body: 'order already exists' });
    await t.outbox.replay('flush');
    t.clock.t += CONFLICT_PATIENCE_MS - 1;
    await t.outbox.replay('flush');
    expect(t.kinds()).toEqual(['deferred', 'deferred']);
    t.clock.t += 1;
    await t.outbox.replay('flush');
    await t.outbox.replay('flush');
    expect(t.sent).toHaveLength(3);
    expect(t.events.at(-1)).toEqual(expect.objectContaining({ kind: 'failed', id, status: 409, body: 'order already exists', attempts: 3 })); // the three 409s (queued offline: none sent)
    expect(await t.store.entries()).toEqual([]);
  });

  it('a 422 on replay (the payload refused, or under the draft the key reused with another payload): failed at once with the body', async () => {
    const t = setup();
    const [id] = await queued(t, 'order');
    t.script({ status: 422, body: 'idempotency key reused with a different payload' });
    await t.outbox.replay('flush');
    await t.outbox.replay('flush');
    expect(t.sent).toHaveLength(1);
    expect(t.events).toEqual([expect.objectContaining({ kind: 'failed', id, status: 422, body: 'idempotency key reused with a different payload' })]);
    expect(await t.store.entries()).toEqual([]);
  });

  it('delivers in FIFO order with the same bytes and headers, minus nothing, plus nothing', async () => {
    const t = setup();
    const bodies = Array.from({ length: 5 }, (_, i) => `{"n":${i},"é":"ü"}`);
    await queued(t, ...bodies);
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual(bodies);
    expect(t.sent.map((s) => new URL(s.url).pathname)).toEqual(['/w0', '/w1', '/w2', '/w3', '/w4']);
    expect(t.kinds()).toEqual(Array(5).fill('delivered'));
  });

  it('a failing head stops its origin\'s round (no write overtakes it); other origins go on', async () => {
    const t = setup();
    await queued(t, 'a', 'b');
    t.script('offline');
    await t.outbox.fetch(new Request('https://other.example.test/x', { method: 'POST', body: 'c' }), {});
    t.sent.length = 0;
    t.script(503);
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body).sort()).toEqual(['a', 'c']);
    expect((await t.store.entries()).map((e) => e.url)).toEqual([`${API}/w0`, `${API}/w1`]);
  });

  it('waits out the backoff between failed rounds unless news arrives (a flush, online, a success); sync waits too', async () => {
    const t = setup();
    await queued(t, 'a'); // the failed first send counts as a failed round
    const { notBefore } = (await t.outbox.list()).origins[0]!;
    expect(notBefore - t.clock.t).toBe(750); // 1 s, jittered (random 0.5 → ×0.75)
    await t.outbox.replay('start'); // too early
    await t.outbox.replay('sync'); // Chromium fires it right after registration: not news
    expect(t.sent).toHaveLength(0);
    t.clock.t = notBefore + 1;
    t.script(503);
    await t.outbox.replay('start');
    expect(t.sent).toHaveLength(1);
    const second = (await t.outbox.list()).origins[0]!;
    expect(second.failedRounds).toBe(2);
    expect(second.notBefore - t.clock.t).toBe(1500); // doubled
    await t.outbox.replay('behind'); // a new write behind it waits too
    expect(t.sent).toHaveLength(1);
    await t.outbox.replay('online'); // news: goes at once
    expect(t.sent).toHaveLength(2);
    expect((await t.outbox.list()).origins).toEqual([]);
  });

  it('a success on the same origin replays what waits there, at most once a second (no storm under load)', async () => {
    const t = setup();
    await queued(t, 'queued-write');
    t.clock.t += 500; // still inside the backoff (750 ms) and within a second of the failure
    await t.outbox.fetch(new Request(`${API}/read`), {}); // a GET, not for the outbox, answered 200
    await t.outbox.settled();
    expect(t.sent.map((s) => s.body)).toEqual(['']);
    t.clock.t += 500;
    await t.outbox.fetch(new Request(`${API}/read`), {});
    await t.outbox.settled();
    expect(t.sent.map((s) => s.body)).toEqual(['', '', 'queued-write']);
    expect(await t.store.entries()).toEqual([]);
  });

  // Firefox and WebKit have no Background Sync, and Chromium gives a sync tag up after three tries:
  // a page that keeps calling another API while a write waits kept it waiting until the next
  // online event, flush() or worker start, however long the upstream had been back.
  it('calls through the worker to any origin replay, once their backoff is over, the writes that wait (at most one look a second)', async () => {
    const t = setup();
    await queued(t, 'queued-write');
    const OTHER = 'https://other.example.test';
    t.clock.t += 500; // inside the backoff (750 ms): the write waits
    await t.outbox.fetch(new Request(`${OTHER}/poll`), {});
    await t.outbox.settled();
    expect(t.sent.map((s) => s.body)).toEqual(['']);
    t.clock.t += 300; // backoff over
    await t.outbox.fetch(new Request(`${OTHER}/poll`), {});
    await t.outbox.settled();
    expect(t.sent.map((s) => `${new URL(s.url).origin} ${s.body}`)).toContain(`${API} queued-write`);
    expect(await t.store.entries()).toEqual([]);
  });

  it('a write queued for a new origin comes due on its own backoff, not behind a longer one elsewhere', async () => {
    const t = setup();
    await queued(t, 'slow-origin-write');
    t.script(503, 503, 503);
    for (let i = 0; i < 3; i++) await t.outbox.replay('flush'); // its backoff grows to seconds
    const NEW = 'https://new.example.test';
    t.script('offline');
    expect((await t.outbox.fetch(new Request(`${NEW}/w`, { method: 'POST', body: 'new-origin-write' }), {})).status).toBe(202);
    await t.outbox.settled();
    t.otherwise(200);
    t.clock.t += 1_100; // past the new origin's first backoff (750 ms), not the other's
    await t.outbox.fetch(new Request('https://other.example.test/poll'), {});
    await t.outbox.settled();
    expect((await t.store.entries()).map((e) => e.origin)).toEqual([API]);
  });

  it('a success within a second of the last failure does not replay', async () => {
    const t = setup();
    await queued(t, 'w');
    t.script(503);
    await t.outbox.replay('flush'); // fails again now: failedAt = now
    t.clock.t += 999;
    await t.outbox.fetch(new Request(`${API}/read`), {});
    await t.outbox.settled();
    expect(t.sent.map((s) => s.body)).toEqual(['w', '']);
  });

  it('survives a restart: a new worker on the same database replays what the old one queued', async () => {
    const factory = new IDBFactory();
    const before = setup({ factory });
    await queued(before, 'kept');
    before.clock.t += 1_000; // past the backoff of the failed first send
    const after = setup({ factory, now: before.clock });
    await after.outbox.replay('start');
    expect(after.sent.map((s) => s.body)).toEqual(['kept']);
  });

  it('joins a replay already running for the origin instead of sending twice', async () => {
    const t = setup();
    await queued(t, 'once');
    await Promise.all([t.outbox.replay('flush'), t.outbox.replay('online'), t.outbox.replay('success')]);
    expect(t.sent).toHaveLength(1);
  });

  it('passes the original trace context to the engine for replay spans', async () => {
    const contexts: unknown[] = [];
    const t = setup();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    (t.outbox as unknown as { replayer: { options: { traceContext: (tp: string) => unknown } } }).replayer.options.traceContext = (tp) => (contexts.push(tp), { tp });
    t.script('offline');
    await t.outbox.fetch(new Request(`${API}/t`, { method: 'POST', body: 'x' }), { resilience: { outbox: true } }, { traceparent });
    await t.outbox.replay('flush');
    expect(contexts).toEqual([traceparent]);
    expect(t.sent.at(-1)!.init?.resilience?.traceContext).toEqual({ tp: traceparent });
  });
});

describe('partitions', () => {
  it("replays only the live partition's entries, and clear(partition) removes only its own", async () => {
    const t = setup({ partition: 'alice' });
    await queued(t, 'alice-write');
    t.setPartition('bob');
    await queued(t, 'bob-write');
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual(['bob-write']);
    expect((await t.store.entries()).map((e) => e.partition)).toEqual(['alice']);
    expect((await t.outbox.list()).entries).toEqual([]); // bob does not see alice's writes
    t.setPartition('alice');
    expect((await t.outbox.list()).entries.map((e) => e.partition)).toEqual(['alice']);
    t.setPartition(null);
    await queued(t, 'anonymous');
    expect(await t.outbox.clear('alice')).toBe(1);
    expect((await t.store.entries()).map((e) => e.partition)).toEqual([null]);
  });
});
