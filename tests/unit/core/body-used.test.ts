// fetch(request) uses up a Request's body (`bodyUsed` becomes true), and a second fetch(request)
// rejects with a TypeError before anything is sent (Node 20: "Cannot construct a Request with a
// Request object that has already been used."; Chromium prefixes "Failed to execute 'fetch' on
// 'Window': "), so an accidental double call of a write never reaches the server twice. The engine
// buffered a replayable body from a clone, left the caller's Request unused, and a second call
// sent the write again.
import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

function setup(maxBufferedBodyBytes = 1_048_576, breakOnOneFailureInTwo = false) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    random: () => 0,
    policy: {
      defaults: {
        fallback: 'none',
        retry: { maxRetries: 2, maxBufferedBodyBytes },
        // One failure among two calls opens this breaker: a refused second call must count as nothing.
        ...(breakOnOneFailureInTwo ? { breaker: { minimumCalls: 1, failureRateThreshold: 0.5 } } : {}),
      },
    },
  });
  return { clock, transport, rf };
}

/** Settles a call, moving the fake clock in small steps past any backoff (not past a breaker's open time). */
async function settle<T>(clock: FakeClock, call: Promise<T>): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  void Promise.allSettled([call]).then(([settled]) => (result = settled));
  for (let t = 0; result === undefined && t < 10_000; t += 50) await clock.advance(50);
  if (result === undefined) throw new Error('the call did not settle within 10 s');
  return result;
}

/** As Firefox makes it: no `body` on Request (the engine must tell a body without reading one). */
function withoutBodyProperty(request: Request): Request {
  Object.defineProperty(request, 'body', { value: undefined });
  return request;
}

const writes: [string, () => Request][] = [
  ['a POST with an Idempotency-Key (buffered to be replayed)', () => new Request(`${A}/orders`, { method: 'POST', body: 'order 1', headers: { 'idempotency-key': 'k1' } })],
  ['a PUT (buffered to be replayed)', () => new Request(`${A}/orders/1`, { method: 'PUT', body: 'order 1' })],
  ['a POST without a key (sent once as it is)', () => new Request(`${A}/orders`, { method: 'POST', body: 'order 1' })],
  ['a PUT where Request has no body property (Firefox)', () => withoutBodyProperty(new Request(`${A}/orders/1`, { method: 'PUT', body: 'order 1' }))],
];

describe('a Request whose body was sent, passed again', () => {
  it.each(writes)('%s: sent once, its body used; the second call rejects with a TypeError, sends and counts nothing', async (_, make) => {
    const { clock, transport, rf } = setup(undefined, true);
    const request = make();
    const first = await settle(clock, rf(request));
    expect(first).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(transport.seen.map((r) => r.body)).toEqual(['order 1']);
    expect(request.bodyUsed).toBe(true);

    const second = await settle(clock, rf(request));
    expect(second.status).toBe('rejected');
    // fetch's own refusal, not a network failure after an attempt.
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect((second as PromiseRejectedResult).reason.message).toMatch(/already been used/);
    expect(transport.count()).toBe(1);
    // Not counted as the upstream's failure: the breaker (opens at one failure in two) lets the next call through.
    const next = await settle(clock, rf(`${A}/orders/2`));
    expect(next).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(transport.count()).toBe(2);
  });

  it.each(writes.slice(0, 2).concat(writes.slice(3)))('%s: still replays the same body on a retry', async (_, make) => {
    const { clock, transport, rf } = setup();
    transport.sequence({ status: 503 }, { status: 200 });
    const request = make();
    const answer = await settle(clock, rf(request));
    expect(answer).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(transport.seen.map((r) => r.body)).toEqual(['order 1', 'order 1']);
    expect(request.bodyUsed).toBe(true);
  });

  it('a GET Request, which has no body, can be passed twice and is sent twice, as fetch allows', async () => {
    const { clock, transport, rf } = setup();
    const request = new Request(`${A}/orders`);
    expect(await settle(clock, rf(request))).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(await settle(clock, rf(request))).toMatchObject({ status: 'fulfilled', value: { status: 200 } });
    expect(transport.count()).toBe(2);
    expect(request.bodyUsed).toBe(false);
  });

  it.each([
    ['a stream', (r: Request) => r],
    ['no body property (Firefox)', withoutBodyProperty],
  ])('a body past maxBufferedBodyBytes, where Request has %s: sent once, not retried, its body used; the second call sends nothing', async (_, adapt) => {
    const { clock, transport, rf } = setup(4);
    transport.sequence({ status: 503 }, { status: 200 });
    const request = adapt(new Request(`${A}/orders/1`, { method: 'PUT', body: 'a body past four bytes' }));
    expect(await settle(clock, rf(request))).toMatchObject({ status: 'fulfilled', value: { status: 503 } });
    expect(transport.seen.map((r) => r.body)).toEqual(['a body past four bytes']);
    expect(request.bodyUsed).toBe(true);
    const second = await settle(clock, rf(request));
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(TypeError);
    expect((second as PromiseRejectedResult).reason.message).toMatch(/already been used/);
    expect(transport.count()).toBe(1);
  });
});
