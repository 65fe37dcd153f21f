import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startChaosUpstream, validateFaults, type ChaosUpstreamHandle } from '../../../demo-app/server/chaos-upstream.js';

interface Echo {
  origin: string;
  method: string;
  path: string;
  query: Record<string, string>;
  n: number;
  body?: string;
  headers?: Record<string, string>;
  vary?: Record<string, string | null>;
}

describe('chaos-upstream', () => {
  let up: ChaosUpstreamHandle;
  let clock = 0;

  beforeAll(async () => {
    up = await startChaosUpstream({ name: 'upstream-1', now: () => clock });
  });
  afterAll(async () => {
    await up.close();
  });
  beforeEach(() => {
    clock = 0;
    up.resetFaults();
    up.resetStats();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${up.url}${path}`, init);

  it('echoes the request as JSON with its custom headers', async () => {
    const res = await get('/api/items/7?x=1&echoHeaders=1', { headers: { traceparent: '00-' + 'a'.repeat(32) + '-' + 'b'.repeat(16) + '-01' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream-name')).toBe('upstream-1');
    expect(res.headers.get('cache-control')).toBeNull();
    const body = (await res.json()) as Echo;
    expect(body).toMatchObject({ origin: 'upstream-1', method: 'GET', path: '/api/items/7', query: { x: '1', echoHeaders: '1' }, n: 1 });
    expect(body.headers?.traceparent).toMatch(/^00-a{32}-b{16}-01$/);
    expect(up.requests()[0]?.headers.traceparent).toBe(body.headers?.traceparent);

    const posted = (await (await get('/api/orders', { method: 'PUT', body: 'hello' })).json()) as Echo;
    expect(posted).toMatchObject({ method: 'PUT', body: 'hello', n: 2 });
    expect(posted.headers).toBeUndefined();
  });

  it('shapes caching headers and sizes from the query', async () => {
    const noStore = await get('/api/a?cache=no-store');
    expect(noStore.headers.get('cache-control')).toBe('no-store');

    const varied = await get('/api/a?vary=Accept-Language', { headers: { 'accept-language': 'fr' } });
    expect(varied.headers.get('vary')).toBe('Accept-Language');
    expect(((await varied.json()) as Echo).vary).toEqual({ 'accept-language': 'fr' });

    const sized = await get('/api/blob?bytes=1000');
    expect((await sized.arrayBuffer()).byteLength).toBe(1000);

    const notFound = await get('/api/x?status=404');
    expect(notFound.status).toBe(404);
    expect((await get('/elsewhere')).status).toBe(404);
  });

  it('failFirst fails exactly the next N requests, with Retry-After when configured', async () => {
    up.setFaults({ failFirst: 2, retryAfter: '2' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await get('/api/r');
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.headers.get('retry-after')).toBe('2');
        expect(res.headers.get('x-chaos-fault')).toBe('failFirst');
      }
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(up.faults().failFirst).toBe(0);
    expect(up.stats()).toMatchObject({ total: 4, byStatus: { '503': 2, '200': 2 }, byMethod: { GET: 4 }, byPath: { '/api/r': 4 } });
  });

  it('hang never answers; a client abort is seen as aborted / closedEarly', async () => {
    up.setFaults({ hang: true });
    const ac = new AbortController();
    const pending = get('/api/slow', { signal: ac.signal });
    await up.waitFor((s) => s.stats.inFlight === 1, 2_000);
    ac.abort();
    await expect(pending).rejects.toThrow();
    const { stats, requests } = await up.waitFor((s) => s.stats.aborted === 1, 2_000, 'abort seen');
    expect(stats.inFlight).toBe(0);
    expect(requests[0]).toMatchObject({ path: '/api/slow', closedEarly: true, status: null, fault: 'hang' });
  });

  it('reset destroys the socket: the client sees a network error, not an abort', async () => {
    up.setFaults({ reset: true });
    await expect(get('/api/r')).rejects.toThrow(TypeError);
    const { stats, requests } = await up.waitFor((s) => s.stats.inFlight === 0, 2_000);
    expect(stats).toMatchObject({ resets: 1, aborted: 0 });
    expect(requests[0]).toMatchObject({ closedEarly: false, fault: 'reset', status: null });
  });

  it('status429 answers 429 with Retry-After; outage answers 503; errorRate uses errorStatus', async () => {
    up.setFaults({ status429: true });
    let res = await get('/api/r');
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '1']);
    up.setFaults({ retryAfter: '5' });
    res = await get('/api/r');
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '5']);

    up.setFaults({ status429: false, retryAfter: null, outage: true });
    res = await get('/api/r');
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, null]);

    up.setFaults({ outage: false, errorRate: 1, errorStatus: 500 });
    res = await get('/api/r');
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ origin: 'upstream-1', error: 'injected', fault: 'errorRate' });
    up.setFaults({ errorRate: 0 });
    expect((await get('/api/r')).status).toBe(200);
  });

  it('flap follows its schedule from the moment it is set', async () => {
    clock = 10_000;
    up.setFaults({ flap: { upMs: 100, downMs: 50 } });
    const at = async (t: number) => {
      clock = 10_000 + t;
      return (await get('/api/f')).status;
    };
    expect([await at(0), await at(99), await at(100), await at(149), await at(150), await at(260)]).toEqual([
      200, 200, 503, 503, 200, 503,
    ]);
    up.setFaults({ flap: null });
    expect(await at(260)).toBe(200);
  });

  it('adds latency before answering', async () => {
    up.setFaults({ latencyMs: 80 });
    const t0 = performance.now();
    expect((await get('/api/r')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('answers preflights, counts them apart, and exposes the custom headers', async () => {
    const origin = 'http://127.0.0.1:5173';
    const pre = await get('/api/r', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'traceparent,x-custom' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-headers')).toBe('traceparent,x-custom');
    expect(pre.headers.get('access-control-allow-methods')).toContain('PUT');

    const res = await get('/api/r', { headers: { origin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Retry-After.*X-Upstream-Name.*Vary/);
    expect(up.stats()).toMatchObject({ total: 1, preflights: 1, byMethod: { GET: 1 } });
    expect(up.requests().map((r) => [r.method, r.preflight])).toEqual([
      ['OPTIONS', true],
      ['GET', false],
    ]);
  });

  it('records bodies so tests can compare replays byte for byte', async () => {
    const payload = JSON.stringify({ order: 1, note: 'ünïcödé' });
    for (let i = 0; i < 2; i++) await get('/api/orders', { method: 'POST', body: payload, headers: { 'idempotency-key': 'k1' } });
    const [a, b] = up.requests();
    expect(a?.body).toBe(payload);
    expect(b?.body).toBe(a?.body);
    expect(b?.bodyBytes).toBe(Buffer.byteLength(payload));
    expect(b?.headers['idempotency-key']).toBe('k1');
  });

  it('is driven over HTTP under /__chaos, which is never faulted nor counted', async () => {
    const set = await fetch(`${up.url}/__chaos`, { method: 'POST', body: JSON.stringify({ outage: true, retryAfter: '3' }) });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ outage: true, retryAfter: '3', errorStatus: 503 });
    expect(up.faults().outage).toBe(true);

    const res = await get('/api/r');
    expect([res.status, res.headers.get('retry-after')]).toEqual([503, '3']);

    up.setFaults({ hang: true }); // control routes still answer
    expect(await (await fetch(`${up.url}/__chaos`)).json()).toMatchObject({ outage: true, hang: true });
    const stats = (await (await fetch(`${up.url}/__chaos/stats`)).json()) as { total: number };
    expect(stats.total).toBe(1);
    const reqs = (await (await fetch(`${up.url}/__chaos/requests`)).json()) as { path: string }[];
    expect(reqs.map((r) => r.path)).toEqual(['/api/r']);

    const bad = await fetch(`${up.url}/__chaos`, { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe('faults.errorRate: invalid value 2');
    const unknown = await fetch(`${up.url}/__chaos`, { method: 'POST', body: '{"explode":true}' });
    expect(unknown.status).toBe(400);

    const pre = await fetch(`${up.url}/__chaos`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:9', 'access-control-request-headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:9');

    expect((await fetch(`${up.url}/__chaos/reset`, { method: 'POST' })).status).toBe(204);
    expect(up.stats()).toMatchObject({ total: 0, preflights: 0 });
    expect(up.requests()).toEqual([]);
    expect(await (await fetch(`${up.url}/__chaos`, { method: 'DELETE' })).json()).toMatchObject({ outage: false, hang: false });
  });

  it('validates faults, naming the field', () => {
    expect(() => up.setFaults({ latencyMs: -1 })).toThrow(new TypeError('faults.latencyMs: invalid value -1'));
    expect(() => validateFaults({ flap: { upMs: 0, downMs: 0 } })).toThrow(/faults\.flap/);
    expect(() => validateFaults({ errorStatus: 200 })).toThrow(/faults\.errorStatus/);
    expect(validateFaults({ retryAfter: null, failFirst: 3 })).toEqual({ retryAfter: null, failFirst: 3 });
  });

  it('runs as independent origins side by side', async () => {
    const other = await startChaosUpstream({ name: 'upstream-2', faults: { outage: true } });
    try {
      expect(other.url).not.toBe(up.url);
      expect((await fetch(`${other.url}/api/x`)).status).toBe(503);
      const mine = (await (await get('/api/x')).json()) as Echo;
      expect(mine.origin).toBe('upstream-1');
      expect(other.stats().total).toBe(1);
      expect(up.stats().total).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('close() ends hung requests instead of waiting for them', async () => {
    const hung = await startChaosUpstream({ faults: { hang: true } });
    const pending = fetch(`${hung.url}/api/x`).then(
      () => 'answered',
      () => 'failed',
    );
    await hung.waitFor((s) => s.stats.inFlight === 1, 2_000);
    await hung.close();
    expect(await pending).toBe('failed');
  });
});
