import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResilientFetch, describeResponse, type ResilienceEvent } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport, MemoryCache } from './fakes.js';

/**
 * Calls a front-end engineer makes with plain fetch and expects to behave the same once fetch is
 * swapped for ours: the request kinds the resilience pipeline has nothing to add to.
 */
function setup(policy: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const cache = new MemoryCache(clock);
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    cache,
    policy: { defaults: { breaker: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 60_000, maxOpenMs: 60_000 }, ...policy } },
  });
  return { clock, transport, cache, rf };
}

/** Settles `promise` while the fake clock runs (retries wait out their backoff on it). */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await clock.advance(30_000);
  return outcome;
}

describe('URLs fetch reads without a server (data:, blob:)', () => {
  it('reads 100 data: URLs at once, every one, as fetch does (none queued or refused as if an origin were busy)', async () => {
    const clock = new FakeClock();
    const rf = createResilientFetch({ clock }); // Node's own fetch reads data: URLs
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => rf(`data:text/plain,item-${i}`)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 200));
    expect(await Promise.all(answers.map((r) => r.text()))).toEqual(answers.map((_, i) => `item-${i}`));
  });

  it('reads a blob: URL of an origin whose breaker is open (the blob is in memory, not on the origin)', async () => {
    const { rf, transport, clock } = setup({ retry: { maxRetries: 0 } });
    transport.reply((request) => (request.url.startsWith('blob:') ? { status: 200, body: 'local bytes' } : { status: 503 }));
    await rf(`${A}/api`);
    await rf(`${A}/api`); // two failures of two: A's breaker opens
    expect(describeResponse(await rf(`${A}/api`)).reason).toBe('circuit-open');
    const blob = await settle(clock, rf(`blob:${A}/0b2c7f3e-5d8a-4c31-9d1e-2f6a0e8b7c44`));
    expect(blob.value?.status).toBe(200);
    expect(await blob.value?.text()).toBe('local bytes');
  });

  it('stores no data: URL in the fallback cache', async () => {
    const clock = new FakeClock();
    const cache = new MemoryCache(clock);
    const rf = createResilientFetch({ clock, cache });
    expect(await (await rf('data:text/plain,hello')).text()).toBe('hello');
    await rf.settled();
    expect([...cache.entries.keys()]).toEqual([]);
  });
});

describe("cache: 'only-if-cached'", () => {
  it('rejects a cache miss at once, looked up once, and never holds it against the origin', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    let looks = 0;
    const rf = createResilientFetch({
      clock,
      // fetch with 'only-if-cached' answers from the HTTP cache or rejects: it never reaches the server.
      fetch: (input, init) => {
        if (new Request(input, init).cache !== 'only-if-cached') return transport.fetch(input, init);
        looks++;
        return Promise.reject(new TypeError('Failed to fetch'));
      },
      policy: { defaults: { breaker: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 60_000, maxOpenMs: 60_000 } } },
    });
    for (let i = 0; i < 4; i++) {
      const missed = await settle(clock, rf(`${A}/feed`, { cache: 'only-if-cached', mode: 'same-origin' }));
      expect(missed.value && describeResponse(missed.value)).toBeUndefined();
      expect(missed.error).toBeInstanceOf(TypeError);
    }
    expect(looks).toBe(4); // one look each, as fetch makes: a miss is no failure to retry
    // The server was never asked, so nothing is held against it: the next call goes to it.
    const next = await settle(clock, rf(`${A}/feed`));
    expect(next.value?.status).toBe(200);
    expect(transport.count()).toBe(1);
  });
});

describe('integrity', () => {
  it('rejects an answer that fails its integrity check as fetch does: sent once, never answered from the stored copy', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).reply(() => ({ status: 200, body: 'v2, not what the hash says' }));
    const cache = new MemoryCache(clock);
    let checked = 0;
    const rf = createResilientFetch({
      clock,
      cache,
      // fetch reads the whole body of a request with `integrity`, and rejects with a TypeError when it does not match.
      fetch: (input, init) => {
        if (new Request(input, init).integrity === '') return transport.fetch(input, init);
        checked++;
        return transport.fetch(input, init).then(() => Promise.reject(new TypeError('Failed to fetch')));
      },
    });
    expect(await (await rf(`${A}/lib.js`)).text()).toBe('v2, not what the hash says');
    await rf.settled(); // a copy is stored
    const mismatch = await settle(clock, rf(`${A}/lib.js`, { integrity: 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' }));
    expect(mismatch.value && describeResponse(mismatch.value)).toBeUndefined(); // no stored copy stands in for it
    expect(mismatch.error).toBeInstanceOf(TypeError);
    expect(checked).toBe(1); // the same bytes would fail the same check: not retried
  });
});

describe('a body that takes longer than 2 s to arrive', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is stored without an error reported or the cache called degraded (a slow download is no stuck cache)', async () => {
    const reported: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((error: unknown) => void reported.push(error));
    const clock = new FakeClock();
    const cache = new MemoryCache(clock);
    const events: ResilienceEvent[] = [];
    // Ten chunks, one every 500 ms: a 5 s download that never pauses.
    const slowBody = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 1; i <= 10; i++) clock.setTimeout(() => (controller.enqueue(new TextEncoder().encode(`${i};`)), i === 10 && controller.close()), i * 500);
        },
      });
    const rf = createResilientFetch({ clock, cache, fetch: async () => new Response(slowBody()), onEvent: (e) => void events.push(e) });
    const response = await rf(`${A}/export.csv`);
    const read = response.text();
    await clock.advance(6_000);
    expect(await read).toBe('1;2;3;4;5;6;7;8;9;10;');
    await rf.settled();
    expect(cache.entries.get(`${A}/export.csv`)?.body).toBe('1;2;3;4;5;6;7;8;9;10;');
    expect(reported).toEqual([]);
    expect(events.filter((e) => e.type === 'degraded')).toEqual([]);
  });
});

describe('a caller that aborts while the body is being read', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gets its abort reason from the body, and nothing is reported as an error (as with fetch)', async () => {
    const reported: unknown[] = [];
    vi.spyOn(console, 'error').mockImplementation((error: unknown) => void reported.push(error));
    const clock = new FakeClock();
    const cache = new MemoryCache(clock);
    const rf = createResilientFetch({
      clock,
      cache,
      // A body that sends one chunk and then waits, and errors with the signal's reason once aborted, as fetch's does.
      fetch: async (_input, init) =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('first;'));
              init?.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
            },
          }),
        ),
    });
    const controller = new AbortController();
    const response = await rf(`${A}/search?q=ab`, { signal: controller.signal });
    const read = response.text().then(
      () => 'read',
      (error: unknown) => (error as Error).name,
    );
    await clock.advance(100);
    controller.abort(); // the user typed another letter
    expect(await read).toBe('AbortError');
    await rf.settled();
    await clock.advance(5_000);
    expect(reported).toEqual([]);
    expect(cache.entries.size).toBe(0);
  });
});
