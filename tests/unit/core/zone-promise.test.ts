import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

afterEach(() => void vi.unstubAllGlobals());

/** Advance the fake clock in steps until the promise settles. */
async function settle<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  for (let t = 0; !done && t < 10_000; t += 10) await clock.advance(10);
  return promise;
}

/**
 * A page that set up tracing runs zone.js, which replaces the global `Promise`; the promises
 * async functions return are still the engine's own. (Measured in Chromium 156, Firefox 153 and
 * WebKitGTK 2.50: a retryable `resilientFetch(new Request(url, { method: 'POST', body }))` in
 * such a page went to `<page origin>/undefined`, without its body, and resolved with a 404.)
 */
describe('a page whose global Promise is zone.js', () => {
  function setup() {
    vi.stubGlobal('Promise', class ZoneAwarePromise<T> extends Promise<T> {});
    const clock = new FakeClock();
    const transport = new FakeTransport(clock);
    const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0.5, policy: { defaults: { retry: { baseDelayMs: 10, maxDelayMs: 10 } } } });
    transport.sequence({ status: 503 }, { status: 200 });
    return { clock, transport, rf };
  }

  it("sends a Request's buffered body to its URL and replays it", async () => {
    const { clock, transport, rf } = setup();
    const res = await settle(clock, rf(new Request(`${A}/orders`, { method: 'POST', body: 'order 1', headers: { 'Idempotency-Key': 'k' } })));
    expect(res.status).toBe(200);
    expect(transport.seen.map((r) => [r.url, r.body])).toEqual([[`${A}/orders`, 'order 1'], [`${A}/orders`, 'order 1']]);
  });

  it('sends a FormData body to its URL and replays it', async () => {
    const { clock, transport, rf } = setup();
    const form = new FormData();
    form.set('name', 'value');
    const res = await settle(clock, rf(`${A}/profile`, { method: 'PUT', body: form }));
    expect(res.status).toBe(200);
    expect(transport.seen.map((r) => r.url)).toEqual([`${A}/profile`, `${A}/profile`]);
    expect(transport.seen[0]!.body).toContain('value');
    expect(transport.seen[1]!.body).toBe(transport.seen[0]!.body);
  });
});
