import { startChaosUpstream, type ChaosUpstreamHandle, type RecordedRequest } from '../../demo-app/server/chaos-upstream.js';
import type { Broadcast, LiveConfig } from '../../src/index.js';
import type { OutboxEvent } from '../../src/sw/outbox/entry.js';
import { expect, Harness, test } from './fixtures.js';

/** The outbox on for `origin`, one attempt per send (so each replay is one request), short timeouts. */
function outboxOn(origin: string, extra: Record<string, unknown> = {}): LiveConfig {
  return { policy: { origins: { [origin]: { outbox: { maxEntries: 100 }, retry: { maxRetries: 0 }, timeoutMs: 1_000, breaker: { minimumCalls: 1_000 }, throttle: false, ...extra } as never } } };
}

const write = (key: string, body: string) => ({ method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key } });

/** Writes the upstream answered 2xx, per Idempotency-Key: what an idempotent server applied. */
function applied(requests: RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => !r.preflight && r.method === 'POST' && r.status !== null && r.status >= 200 && r.status < 300);
}

async function outboxEvents(harness: Harness): Promise<OutboxEvent[]> {
  const all = (await harness.page.evaluate(() => window.harness.broadcasts())) as Broadcast[];
  return all.flatMap((b) => (b.type === 'outbox' ? [b.event] : []));
}

function list(harness: Harness) {
  return harness.page.evaluate(() => window.harness.outbox('list'));
}

function flush(harness: Harness) {
  return harness.page.evaluate(() => window.harness.outbox('flush'));
}

test.describe('outbox', () => {
  test('offline (upstream refusing connections): 20 keyed writes queued, worker restarted, back online: each delivered once, in order, bodies intact', async ({ harness }) => {
    test.setTimeout(60_000);
    let up: ChaosUpstreamHandle = await startChaosUpstream({ name: 'outbox-up' });
    const { port, url } = up;
    try {
      await harness.register({ config: outboxOn(url) });
      await up.close(); // nothing listens: every connection is refused
      const bodies = Array.from({ length: 20 }, (_, i) => JSON.stringify({ n: i, text: `write ${i} é ✓` }));
      for (const [i, body] of bodies.entries()) {
        const res = await harness.ok(`${url}/api/notes`, write(`key-${i}`, body));
        expect(res.status, `write ${i}`).toBe(202);
        expect(res.meta).toMatchObject({ source: 'outbox', reason: 'queued' });
        expect(res.headers['x-resilience-outbox-id']).toMatch(/[0-9a-f-]{36}/);
      }
      expect((await list(harness)).entries).toHaveLength(20);

      await harness.stopWorkers();
      up = await startChaosUpstream({ name: 'outbox-up', port });
      const left = await flush(harness);
      expect(left.entries).toEqual([]);
      const delivered = applied(up.requests());
      expect(delivered.map((r) => r.headers['idempotency-key'])).toEqual(bodies.map((_, i) => `key-${i}`));
      expect(delivered.map((r) => r.body)).toEqual(bodies);
      expect(delivered.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
      expect(delivered.some((r) => r.headers['x-resilience-options'] !== undefined)).toBe(false);
      expect(left.log.filter((e) => e.kind === 'delivered')).toHaveLength(20);
    } finally {
      await up.close().catch(() => undefined);
    }
  });

  test('a replay answered 503, then a timeout, then 200: delivered once, never dropped', async ({ harness, up1 }) => {
    await harness.register({ config: outboxOn(up1.url) });
    up1.setFaults({ outage: true });
    const res = await harness.ok(`${up1.url}/api/pay`, write('pay-1', '{"amount":5}'));
    expect(res.status).toBe(202);
    expect((await flush(harness)).entries).toHaveLength(1); // 503 again
    up1.setFaults({ outage: false, hang: true });
    expect((await flush(harness)).entries[0]).toMatchObject({ attempts: 3, lastCause: 'timeout' });
    up1.setFaults({ hang: false });
    expect((await flush(harness)).entries).toEqual([]);
    expect((await flush(harness)).entries).toEqual([]);
    const sent = up1.requests().filter((r) => !r.preflight && r.path === '/api/pay');
    expect(sent.map((r) => r.status)).toEqual([503, 503, null, 200]);
    expect(new Set(sent.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['pay-1']));
    expect(applied(up1.requests())).toHaveLength(1);
    await expect.poll(async () => (await outboxEvents(harness)).map((e) => e.kind)).toEqual(['queued', 'deferred', 'deferred', 'delivered']);
  });

  test('a 409 on replay (its Idempotency-Key still in progress): kept, sent again with the same key, delivered once', async ({ harness, up1 }) => {
    await harness.register({ config: outboxOn(up1.url) });
    up1.setFaults({ outage: true });
    expect((await harness.ok(`${up1.url}/api/orders`, write('order-1', '{"sku":"a"}'))).status).toBe(202);
    up1.setFaults({ outage: false, errorStatus: 409, failFirst: 1 });
    expect((await flush(harness)).entries).toMatchObject([{ lastCause: 'status 409' }]);
    expect((await flush(harness)).entries).toEqual([]);
    const sent = up1.requests().filter((r) => !r.preflight && r.path === '/api/orders');
    expect(sent.map((r) => r.status)).toEqual([503, 409, 200]);
    expect(new Set(sent.map((r) => r.headers['idempotency-key']))).toEqual(new Set(['order-1']));
    await expect.poll(async () => (await outboxEvents(harness)).map((e) => e.kind)).toEqual(['queued', 'deferred', 'delivered']);
  });

  test('a 422 on replay: reported as failed with the answer, removed, never retried', async ({ harness, up1 }) => {
    await harness.register({ config: outboxOn(up1.url) });
    up1.setFaults({ outage: true });
    expect((await harness.ok(`${up1.url}/api/orders`, write('order-1', '{"sku":"a"}'))).status).toBe(202);
    up1.setFaults({ outage: false, errorStatus: 422, failFirst: 1 });
    expect((await flush(harness)).entries).toEqual([]);
    await flush(harness);
    expect(up1.requests().filter((r) => !r.preflight && r.path === '/api/orders').map((r) => r.status)).toEqual([503, 422]);
    await expect.poll(async () => (await outboxEvents(harness)).at(-1)).toMatchObject({ kind: 'failed', status: 422 });
    const failed = (await outboxEvents(harness)).at(-1) as OutboxEvent & { body: string };
    expect(failed.body.length).toBeGreaterThan(0);
  });

  test('two tabs queue writes at once: none lost, none duplicated', async ({ harness, up1, context, app }) => {
    await harness.register({ config: outboxOn(up1.url) });
    const tabB = new Harness(await context.newPage(), app.url);
    await tabB.page.goto(`${app.url}/`);
    await tabB.register();
    up1.setFaults({ outage: true });
    const keys = (tab: string) => Array.from({ length: 10 }, (_, i) => `${tab}-${i}`);
    const results = await Promise.all([
      ...keys('a').map((k) => harness.ok(`${up1.url}/api/t`, write(k, `"${k}"`))),
      ...keys('b').map((k) => tabB.ok(`${up1.url}/api/t`, write(k, `"${k}"`))),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(202));
    expect(new Set(results.map((r) => r.headers['x-resilience-outbox-id'])).size).toBe(20);
    expect((await list(tabB)).entries).toHaveLength(20); // one outbox, seen from every tab
    up1.setFaults({ outage: false });
    await flush(tabB);
    expect((await list(harness)).entries).toEqual([]);
    const keysApplied = applied(up1.requests()).map((r) => r.headers['idempotency-key']);
    expect([...keysApplied].sort()).toEqual([...keys('a'), ...keys('b')].sort());
  });

  test('throwOnReject: a queued write throws ResilienceError with reason queued', async ({ harness, up1 }) => {
    await harness.register({ config: outboxOn(up1.url) });
    up1.setFaults({ outage: true });
    const result = await harness.fetch(`${up1.url}/api/x`, { ...write('t-1', '1'), resilience: { throwOnReject: true } });
    expect(result).toMatchObject({ error: { name: 'ResilienceError', reason: 'queued' } });
    expect((await list(harness)).entries).toHaveLength(1);
  });

  test('per call: a write marked outbox: true is kept with a generated Idempotency-Key, replayed with it', async ({ harness, up1 }) => {
    await harness.register();
    up1.setFaults({ outage: true });
    const res = await harness.ok(`${up1.url}/api/x`, { method: 'PUT', body: 'v', resilience: { outbox: true, retries: 0 } });
    expect(res.status).toBe(202);
    up1.setFaults({ outage: false });
    await flush(harness);
    const keys = up1.requests().filter((r) => !r.preflight && r.method === 'PUT').map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^"[0-9a-f-]{36}"$/);
    expect(keys[1]).toBe(keys[0]);
  });

  test('quota exceeded while queueing (IndexedDB made to throw QuotaExceededError): the original failure, marked, nothing kept', async ({ harness, up1 }) => {
    await harness.register({ config: outboxOn(up1.url), swQuery: '?quotaFault' });
    up1.setFaults({ outage: true });
    const res = await harness.ok(`${up1.url}/api/x`, write('q-1', 'x'));
    expect(res.status).toBe(503);
    expect(res.headers['x-resilience-outbox-refused']).toBe('quota-exceeded');
    expect((await list(harness)).entries).toEqual([]);
  });

  test('replay spans join the original call\'s trace, and the upstream gets a traceparent of that trace', async ({ harness, up1, receiver }) => {
    await harness.page.evaluate((url) => window.harness.tracePage(url), receiver.tracesUrl);
    const query = new URLSearchParams({ otlp: receiver.tracesUrl, propagate: up1.url });
    await harness.register({ swQuery: `?${query}`, config: outboxOn(up1.url) });
    up1.setFaults({ outage: true });
    expect((await harness.ok(`${up1.url}/api/traced-write`, write('tw-1', 'x'))).status).toBe(202);
    await harness.page.evaluate(() => window.harness.flushTraces());
    up1.setFaults({ outage: false });
    await flush(harness);
    const isPage = (s: { kind: string; serviceName: string; attributes: Record<string, unknown> }) => s.kind === 'CLIENT' && s.serviceName === 'e2e-page' && s.attributes['url.full'] === `${up1.url}/api/traced-write`;
    const spans = await receiver.waitFor((all) => all.some(isPage) && all.filter((s) => s.name === 'resilientFetch POST').length >= 2, 10_000, 'page span and two worker calls');
    const page = spans.find(isPage)!;
    const calls = spans.filter((s) => s.name === 'resilientFetch POST');
    expect(calls.map((s) => s.traceId)).toEqual([page.traceId, page.traceId]);
    expect(calls.every((s) => s.parentSpanId === page.spanId)).toBe(true);
    const sent = up1.requests().filter((r) => !r.preflight && r.path === '/api/traced-write');
    expect(sent.map((r) => r.status)).toEqual([503, 200]);
    expect(sent.every((r) => String(r.headers.traceparent).startsWith(`00-${page.traceId}-`))).toBe(true);
  });
});
