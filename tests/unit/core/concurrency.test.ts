import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse, ResilienceError } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

function setup(concurrency = { maxInFlight: 2, maxQueue: 2 }, extra: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  transport.reply(() => ({ status: 200, delayMs: 100 }));
  const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { defaults: { concurrency, ...extra } } });
  return { clock, transport, rf };
}

describe('bounded concurrency', () => {
  it('runs at most maxInFlight at once and queues the rest in FIFO order', async () => {
    const { rf, transport, clock } = setup();
    const calls = [1, 2, 3, 4].map((i) => rf(`${A}/${i}`));
    await clock.advance(1);
    expect(transport.seen.map((r) => r.url)).toEqual([`${A}/1`, `${A}/2`]);
    expect(rf.snapshot()[0]).toMatchObject({ inFlight: 2, queued: 2 });
    await clock.advance(100);
    expect(transport.seen.map((r) => r.url)).toEqual([1, 2, 3, 4].map((i) => `${A}/${i}`));
    await clock.advance(100);
    expect((await Promise.all(calls)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('rejects locally when the queue is full, without touching the network', async () => {
    const { rf, transport, clock } = setup({ maxInFlight: 1, maxQueue: 1 });
    const running = [rf(`${A}/1`), rf(`${A}/2`)];
    const full = await rf(`${A}/3`);
    expect(describeResponse(full)).toMatchObject({ source: 'synthetic', reason: 'queue-full' });
    await expect(rf(`${A}/4`, { resilience: { throwOnReject: true } })).rejects.toMatchObject({ name: 'ResilienceError', reason: 'queue-full' });
    await clock.advance(200);
    await Promise.all(running);
    expect(transport.count()).toBe(2);
  });

  it('removes a queued call at once when its caller aborts', async () => {
    const { rf, transport, clock } = setup({ maxInFlight: 1, maxQueue: 5 });
    const first = rf(`${A}/1`);
    const controller = new AbortController();
    const queued = rf(`${A}/2`, { signal: controller.signal });
    const third = rf(`${A}/3`);
    await clock.advance(1);
    expect(rf.snapshot()[0]!.queued).toBe(2);
    controller.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    expect(rf.snapshot()[0]!.queued).toBe(1);
    await clock.advance(200);
    await Promise.all([first, third]);
    expect(transport.seen.map((r) => r.url)).toEqual([`${A}/1`, `${A}/3`]);
  });

  it('gives up waiting in the queue at the deadline', async () => {
    const { rf, transport, clock } = setup({ maxInFlight: 1, maxQueue: 5 }, { deadlineMs: 50 });
    transport.reply(() => ({ status: 200, delayMs: 60 }));
    const first = rf(`${A}/1`, { resilience: { deadlineMs: 1_000 } });
    const second = rf(`${A}/2`);
    await clock.advance(50);
    expect(transport.count()).toBe(1);
    expect(describeResponse(await second)).toMatchObject({ source: 'synthetic', reason: 'deadline' });
    await clock.advance(10);
    expect((await first).status).toBe(200);
    expect(transport.count()).toBe(1);
  });

  it('rejects an already aborted signal before anything else', async () => {
    const { rf, transport } = setup();
    await expect(rf(`${A}/1`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(transport.count()).toBe(0);
  });

  it('applies new limits from configure() without losing queued calls', async () => {
    const { rf, transport, clock } = setup({ maxInFlight: 1, maxQueue: 5 });
    const calls = [1, 2, 3].map((i) => rf(`${A}/${i}`));
    await clock.advance(1);
    expect(transport.count()).toBe(1);
    rf.configure({ defaults: { concurrency: { maxInFlight: 3, maxQueue: 5 } } });
    await clock.advance(1);
    expect(transport.count()).toBe(3);
    await clock.advance(200);
    expect((await Promise.all(calls)).every((r) => r.ok)).toBe(true);
  });

  it('is a ResilienceError with the reason when throwOnReject is set', async () => {
    const { rf } = setup({ maxInFlight: 1, maxQueue: 0 });
    void rf(`${A}/1`);
    const error = await rf(`${A}/2`, { resilience: { throwOnReject: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResilienceError);
    expect(error).toMatchObject({ reason: 'queue-full', origin: A });
  });
});
