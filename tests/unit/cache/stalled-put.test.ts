import { describe, expect, it, vi } from 'vitest';
import { STUCK_AFTER_MS } from '../../../src/core/within.js';
import { URL_A, get, matchText, ok, setup } from './helpers.js';

/**
 * The engine stores a GET's answer from a clone of the caller's response: a tee of one network
 * body, whose source (the connection) is let go only once both branches are. A caller that
 * cancels its body, with an upstream stalled mid-body, left the cache's branch reading for as long
 * as the upstream kept the connection open (a held HTTP/1.1 connection: six per host in a browser).
 */
function stalledSource(): { body: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode('partial ')),
    cancel: () => void (cancelled = true),
  });
  return { body, cancelled: () => cancelled };
}

describe('a put whose body stalls', () => {
  it(`stops reading after ${STUCK_AFTER_MS} ms without a byte, so the caller's cancel reaches the connection; nothing is stored`, async () => {
    const { cache, events } = setup();
    const source = stalledSource();
    const response = ok(source.body);
    const putting = cache.put(get(URL_A), response.clone());
    void response.body!.cancel(); // the caller gives up on it (a tee branch's cancel settles once both branches are cancelled)
    await vi.waitFor(() => expect(source.cancelled()).toBe(true), { timeout: STUCK_AFTER_MS + 1_500, interval: 50 });
    await putting;
    expect(await matchText(cache, get(URL_A))).toBeUndefined(); // the first bytes are not a whole body
    expect(events).toContainEqual(expect.objectContaining({ type: 'cache-error', operation: 'put' }));
  }, 10_000);

  it('goes on reading a slow body that keeps sending: stored whole', async () => {
    const { cache } = setup();
    const chunks = 6;
    const gapMs = STUCK_AFTER_MS / 4;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(c) {
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        c.enqueue(new TextEncoder().encode(String(sent++)));
        if (sent === chunks) c.close();
      },
    });
    await cache.put(get(URL_A), ok(body)); // longer in all than STUCK_AFTER_MS, never idle that long
    expect(await matchText(cache, get(URL_A))).toBe('012345');
  }, 10_000);
});
