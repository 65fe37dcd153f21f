import { describe, expect, it } from 'vitest';
import { STUCK_AFTER_MS } from '../../../src/core/within.js';
import { cacheDegradation } from '../../../src/sw/cache-degradation.js';
import { URL_A, URL_B, get, matchText, ok, setup } from './helpers.js';

/** A 200 whose body sends a few bytes, then nothing until `finish` (an upstream stalled mid-body). */
function stalledBody(): { response: Response; finish: () => void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(new TextEncoder().encode('partial '));
    },
  });
  const finish = () => {
    try {
      controller.enqueue(new TextEncoder().encode('late'));
      controller.close();
    } catch {
      // the cache stopped reading it already (read-body.ts: stalled for STUCK_AFTER_MS)
    }
  };
  return { response: ok(body), finish };
}

const hungAfter = <T>(work: Promise<T>, ms: number) =>
  Promise.race([work.then((v) => ({ v }), (e: unknown) => ({ e })), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), ms))]);

describe('work the cache tracks that never finishes (a body stalled while storing)', () => {
  // A worker's clear-cache (sign-out) and close wait for puts under way: one whose body never
  // ended held them, and any settled() of the app's, forever.
  it(`settled(), clear() and close() stop waiting for it after STUCK_AFTER_MS (${STUCK_AFTER_MS} ms), and say so`, async () => {
    const { cache, events } = setup();
    await cache.put(get(URL_B), ok('b'));
    const stalled = stalledBody();
    void cache.put(get(URL_A), stalled.response);

    const started = performance.now();
    expect(await hungAfter(cache.settled(), STUCK_AFTER_MS + 1_000)).toEqual({ v: undefined });
    expect(performance.now() - started).toBeGreaterThanOrEqual(STUCK_AFTER_MS - 50);
    expect(events).toContainEqual({ type: 'cache-stuck', operation: 'put' });
    expect(await hungAfter(cache.clear(), 500)).toEqual({ v: undefined }); // given up on once, not waited for again
    expect(await matchText(cache, get(URL_B))).toBeUndefined();
    expect(await hungAfter(cache.close(), 500)).toEqual({ v: undefined });
  }, 10_000);

  it('a put given up on by a clear never lands after it, even when its body ends later', async () => {
    const { cache } = setup();
    const stalled = stalledBody();
    const putting = cache.put(get(URL_A), stalled.response);
    expect(await hungAfter(cache.clear(), STUCK_AFTER_MS + 1_000)).toEqual({ v: undefined });

    stalled.finish();
    await putting;
    expect(await matchText(cache, get(URL_A))).toBeUndefined(); // the signed-out user's answer is not stored after the clear
    await cache.put(get(URL_B), ok('after')); // later puts still store
    expect(await matchText(cache, get(URL_B))).toBe('after');
  }, 10_000);

  it('is a degraded event in the worker', () => {
    expect(cacheDegradation({ type: 'cache-stuck', operation: 'put' }, () => 5)).toEqual({
      type: 'degraded',
      component: 'cache',
      at: 5,
      message: expect.stringContaining(`put`),
    });
  });
});
