import { describe, expect, it } from 'vitest';
import { URL_A, bytes, get, matchText, ok, setup } from './helpers.js';

describe('storing and serving', () => {
  it('round-trips the body byte for byte with status, status text and headers', async () => {
    const { cache, clock } = setup();
    const body = Uint8Array.from({ length: 256 }, (_, i) => i);
    const response = new Response(body, {
      status: 200,
      statusText: 'Fine Thanks',
      headers: { 'content-type': 'application/octet-stream', 'x-custom': 'one', etag: '"v1"' },
    });
    const storedAt = clock.now();
    await cache.put(get(URL_A), response);
    clock.advance(5_000);

    const found = await cache.match(get(URL_A));
    expect(found).toBeDefined();
    expect(found?.storedAt).toBe(storedAt);
    const served = found!.response;
    expect(served.status).toBe(200);
    expect(served.statusText).toBe('Fine Thanks');
    expect(served.headers.get('content-type')).toBe('application/octet-stream');
    expect(served.headers.get('x-custom')).toBe('one');
    expect(served.headers.get('etag')).toBe('"v1"');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(body);
  });

  it('serves a fresh Response each time', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('hello'));
    const first = await cache.match(get(URL_A));
    await first!.response.text();
    expect(await matchText(cache, get(URL_A))).toBe('hello');
  });

  it('ignores the URL fragment, as the Cache API does', async () => {
    const { cache } = setup();
    await cache.put(get(`${URL_A}#top`), ok('hello'));
    expect(await matchText(cache, get(`${URL_A}#other`))).toBe('hello');
  });

  it('does not replay Set-Cookie', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('x', { 'set-cookie': 'session=1', 'x-kept': 'yes' }));
    const found = await cache.match(get(URL_A));
    expect(found?.response.headers.get('set-cookie')).toBeNull();
    expect(found?.response.headers.get('x-kept')).toBe('yes');
  });

  it('drops Content-Encoding and Content-Length of an encoded response, whose body fetch decoded', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('hello', { 'content-encoding': 'gzip', 'content-length': '25', 'x-kept': 'yes' }));
    const found = await cache.match(get(URL_A));
    expect(found?.response.headers.get('content-encoding')).toBeNull();
    expect(found?.response.headers.get('content-length')).toBeNull();
    expect(found?.response.headers.get('x-kept')).toBe('yes');
    expect(await found?.response.text()).toBe('hello');
  });

  it('replaces the stored copy when the same request is put again', async () => {
    const { cache, clock } = setup();
    await cache.put(get(URL_A), ok('old'));
    clock.advance(1_000);
    await cache.put(get(URL_A), ok('newer'));
    expect(await matchText(cache, get(URL_A))).toBe('newer');
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 5, puts: 2 });
  });

  it('does not rewrite a key stored less than minRefreshMs ago (steady traffic costs no write per call)', async () => {
    const { cache, clock } = setup({ minRefreshMs: 1_000 });
    await cache.put(get(URL_A), ok('first'));
    clock.advance(999);
    await cache.put(get(URL_A), ok('second'));
    await cache.put(get(`${URL_A}?other`), ok('other key'));
    expect(await matchText(cache, get(URL_A))).toBe('first');
    expect(await cache.stats()).toMatchObject({ puts: 2, skipped: expect.objectContaining({ fresh: 1 }) });
    clock.advance(1);
    await cache.put(get(URL_A), ok('third'));
    expect(await matchText(cache, get(URL_A))).toBe('third');
  });

  it('a put whose body fails mid-read does not hold the key: the next answer is stored at once', async () => {
    const { cache } = setup({ minRefreshMs: 60_000 });
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([1, 2, 3]));
        controller.error(new TypeError('connection reset'));
      },
    });
    await cache.put(get(URL_A), new Response(broken));
    await cache.put(get(URL_A), ok('whole'));
    expect(await matchText(cache, get(URL_A))).toBe('whole');
  });

  it('answers only GET lookups', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('hello'));
    expect(await cache.match(new Request(URL_A, { method: 'HEAD' }))).toBeUndefined();
    expect(await matchText(cache, get(URL_A))).toBe('hello');
  });

  it('counts hits and misses', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('hello'));
    await cache.match(get(URL_A));
    await cache.match(get(`${URL_A}?other`));
    expect(await cache.stats()).toMatchObject({ hits: 1, misses: 1 });
  });
});

describe('what is never stored', () => {
  const opaque = () => {
    const response = ok('hidden');
    Object.defineProperty(response, 'type', { value: 'opaque' });
    return response;
  };

  it.each([
    ['a non-200 status', 'status', get(URL_A), () => new Response('created', { status: 201 })],
    ['a 404', 'status', get(URL_A), () => new Response('nope', { status: 404 })],
    ['a non-GET request', 'method', new Request(URL_A, { method: 'POST', body: 'x' }), () => ok('x')],
    ['Cache-Control: no-store', 'no-store', get(URL_A), () => ok('x', { 'cache-control': 'private, No-Store' })],
    ['an opaque response', 'opaque', get(URL_A), opaque],
    ['Vary: *', 'vary-star', get(URL_A), () => ok('x', { vary: 'Accept, *' })],
    ['an Authorization request without a partition', 'authorization', get(URL_A, { authorization: 'Bearer t' }), () => ok('x')],
  ] as const)('skips %s', async (_name, reason, request, response) => {
    const { cache } = setup();
    await cache.put(request, response());
    expect(await cache.match(get(URL_A))).toBeUndefined();
    const stats = await cache.stats();
    expect(stats.entries).toBe(0);
    expect(stats.skipped[reason]).toBe(1);
    expect(stats.puts).toBe(0);
  });

  it('stores no-cache (only no-store forbids storing)', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('x', { 'cache-control': 'no-cache' }));
    expect(await matchText(cache, get(URL_A))).toBe('x');
  });

  it('skips a body over maxEntryBytes and keeps one exactly at the limit', async () => {
    const { cache } = setup({ maxEntryBytes: 100 });
    await cache.put(get(URL_A), ok(bytes(101)));
    expect(await cache.match(get(URL_A))).toBeUndefined();
    await cache.put(get(URL_A), ok(bytes(100)));
    expect((await (await cache.match(get(URL_A)))?.response.arrayBuffer())?.byteLength).toBe(100);
    expect(await cache.stats()).toMatchObject({ entries: 1, bytes: 100, skipped: { 'too-large': 1 } });
  });

  it('rejects on a too-large Content-Length without reading the body', async () => {
    const { cache } = setup({ maxEntryBytes: 100 });
    let pulls = 0;
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulls += 1;
          controller.enqueue(bytes(10));
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    await cache.put(get(URL_A), ok(body, { 'content-length': '5000' }));
    expect(pulls).toBe(0);
    expect(cancelled).toBe(true);
    expect((await cache.stats()).skipped['too-large']).toBe(1);
  });

  it('stops reading an undeclared body once it passes the limit', async () => {
    const { cache } = setup({ maxEntryBytes: 100 });
    let pulls = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        controller.enqueue(bytes(30));
      },
    });
    await cache.put(get(URL_A), ok(endless));
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect(pulls).toBeLessThan(10);
    expect((await cache.stats()).skipped['too-large']).toBe(1);
  });
});

describe('wants (the engine asks before copying a body)', () => {
  it('says no to what put would skip: not storable, or the same key written moments ago', async () => {
    const { cache, clock } = setup({ minRefreshMs: 1_000 });
    expect(cache.wants(get(URL_A), ok('x', { 'cache-control': 'no-store' }))).toBe(false);
    expect(cache.wants(get(URL_A), new Response('x', { status: 500 }))).toBe(false);
    expect(cache.wants(get(URL_A), ok('x'))).toBe(true);
    await cache.put(get(URL_A), ok('x'));
    expect(cache.wants(get(URL_A), ok('y'))).toBe(false);
    clock.advance(1_000);
    expect(cache.wants(get(URL_A), ok('y'))).toBe(true);
  });
});
