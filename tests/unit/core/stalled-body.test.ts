// A request body stream that stalls while the engine buffers it (to be able to replay it) held the
// call past its timeout and deadline, for good: the deadline's clock starts only once a Call exists.
import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

/** Advances the fake clock in steps until the promise settles; 'pending' if it does not within maxMs. */
async function outcome<T>(clock: FakeClock, promise: Promise<T>, maxMs: number, stepMs = 10): Promise<T | Error | 'pending'> {
  let result: T | Error | 'pending' = 'pending';
  void promise.then((value) => (result = value), (error: unknown) => (result = error instanceof Error ? error : new Error(String(error))));
  await clock.advance(0);
  for (let t = 0; result === 'pending' && t < maxMs; t += stepMs) await clock.advance(stepMs);
  return result;
}

/** A PUT whose body sends one chunk, then nothing more; `cancelled` once its source is told to stop. */
function stalledUpload() {
  const source = { cancelled: false };
  const body = new ReadableStream<Uint8Array>({
    start: (c) => c.enqueue(new TextEncoder().encode('first chunk')),
    cancel: () => void (source.cancelled = true),
  });
  const request = new Request(`${A}/upload`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
  return { request, source };
}

function setup(timeoutMs: number, deadlineMs: number) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const rf = createResilientFetch({ fetch: transport.fetch, clock, random: () => 0, policy: { defaults: { timeoutMs, deadlineMs, fallback: 'none', breaker: { minimumCalls: 1 }, concurrency: { maxInFlight: 1, maxQueue: 0 } } } });
  return { clock, transport, rf };
}

describe('a request body that stalls while it is buffered', () => {
  it('ends the call at its timeout with a TimeoutError, cancels the stream, sends and counts nothing', async () => {
    const { clock, transport, rf } = setup(1_000, 30_000);
    const { request, source } = stalledUpload();
    const started = clock.now();
    const ended = await outcome(clock, rf(request), 5_000);
    expect(ended).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('timed out (timeout)') });
    expect(clock.now() - started).toBeLessThanOrEqual(1_010);
    expect(source.cancelled).toBe(true);
    expect(transport.count()).toBe(0);
    expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, breaker: { state: 'closed' } });
    expect(describeResponse((await outcome(clock, rf(`${A}/next`), 0)) as Response).source).toBe('network');
  });

  it('ends it at the deadline when that comes first', async () => {
    const { clock, rf } = setup(10_000, 500);
    const { request, source } = stalledUpload();
    const started = clock.now();
    expect(await outcome(clock, rf(request), 5_000)).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('(deadline)') });
    expect(clock.now() - started).toBeLessThanOrEqual(510);
    expect(source.cancelled).toBe(true);
  });

  it("ends it at the caller's abort, with the abort's reason", async () => {
    const { clock, transport, rf } = setup(10_000, 30_000);
    const { request, source } = stalledUpload();
    const controller = new AbortController();
    const call = rf(request, { signal: controller.signal });
    await clock.advance(100);
    controller.abort(new DOMException('left the page', 'AbortError'));
    expect(await outcome(clock, call, 0)).toMatchObject({ name: 'AbortError', message: 'left the page' });
    expect(source.cancelled).toBe(true);
    expect(transport.count()).toBe(0);
  });

  it('a body that ends in time is sent whole, as before', async () => {
    const { clock, transport, rf } = setup(1_000, 30_000);
    const body = new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(new TextEncoder().encode('whole')), c.close()) });
    const answer = await outcome(clock, rf(new Request(`${A}/upload`, { method: 'PUT', body, duplex: 'half' } as RequestInit)), 1_000);
    expect(answer).toBeInstanceOf(Response);
    expect(transport.seen[0]!.body).toBe('whole');
  });
});
