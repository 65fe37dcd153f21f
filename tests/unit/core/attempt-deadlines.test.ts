import { describe, expect, it } from 'vitest';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

/** Attempts share the engine's timer: each still times out at its own time, and an idle engine's goes within one timeout. */
function setup(timeoutMs = 1_000) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    policy: { defaults: { timeoutMs, fallback: 'none', retry: { maxRetries: 0 }, breaker: { minimumCalls: 100 } } },
  });
  return { clock, transport, rf };
}

/** When a call settled (fake-clock time) and how. */
function watch(clock: FakeClock, call: Promise<Response>) {
  const seen: { at?: number; status?: number; error?: string } = {};
  void call.then(
    (res) => Object.assign(seen, { at: clock.now(), status: res.status }),
    (error: Error) => Object.assign(seen, { at: clock.now(), error: error.name }),
  );
  return seen;
}

describe('attempt deadlines', () => {
  it('shares one timer between sequential calls and calls in flight, gone within one timeout of the last', async () => {
    const { rf, transport, clock } = setup();
    transport.reply((r) => (r.url.endsWith('/hang') ? 'hang' : { status: 200 }));
    expect((await rf(`${A}/ok`)).status).toBe(200);
    expect(clock.pendingTimers).toBe(1); // left to fire, not cleared
    await clock.advance(500);
    expect((await rf(`${A}/ok`)).status).toBe(200);
    expect(clock.pendingTimers).toBe(1); // the next call found it armed
    const start = clock.now();
    const hung = [1, 2, 3].map(() => watch(clock, rf(`${A}/hang`)));
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(1); // three attempts, still one timer
    await clock.advance(1_000);
    expect(hung).toEqual([1, 2, 3].map(() => ({ at: start + 1_000, error: 'TimeoutError' })));
    expect(transport.seen.slice(2).every((r) => r.aborted)).toBe(true);
    expect(clock.pendingTimers).toBe(0); // it expired the last deadline and armed nothing more
    await clock.advance(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('never holds a Node process open with the timer it leaves to fire', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const rf = createResilientFetch({
      fetch: (_input, init) =>
        new Promise((resolve, reject) => {
          if (String(_input).endsWith('/ok')) return resolve(new Response(null, { status: 200 }));
          init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
        }),
      policy: { defaults: { retry: { maxRetries: 0 }, fallback: 'none' } },
    });
    const before = timers();
    expect((await rf(`${A}/ok`)).status).toBe(200);
    expect(timers()).toBe(before); // pending (≤ 10 s), but unref'd
    const controller = new AbortController();
    const waiting = rf(`${A}/hang`, { signal: controller.signal });
    expect(timers()).toBe(before + 1); // an attempt waits on it: it holds the process again
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(timers()).toBe(before);
  });

  it('times a later attempt out at its own deadline when the one before it settles first', async () => {
    const { rf, transport, clock } = setup();
    transport.reply((r) => (r.url.endsWith('/slow') ? { status: 200, delayMs: 300 } : 'hang'));
    const first = watch(clock, rf(`${A}/slow`));
    await clock.advance(200);
    const start = clock.now();
    const second = watch(clock, rf(`${A}/hang`));
    await clock.advance(100);
    expect(first.status).toBe(200);
    await clock.advance(899);
    expect(second.at).toBeUndefined();
    await clock.advance(1);
    expect(second).toEqual({ at: start + 1_000, error: 'TimeoutError' });
    expect(transport.seen[1]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('times out a short per-call timeout on time among longer ones, and the longer ones on theirs', async () => {
    const { rf, transport, clock } = setup();
    transport.reply(() => 'hang');
    const start = clock.now();
    const long = watch(clock, rf(`${A}/long`));
    await clock.advance(10);
    const short = watch(clock, rf(`${A}/short`, { resilience: { timeoutMs: 100 } }));
    await clock.advance(100);
    expect(short).toEqual({ at: start + 110, error: 'TimeoutError' });
    expect(long.at).toBeUndefined();
    await clock.advance(890);
    expect(long).toEqual({ at: start + 1_000, error: 'TimeoutError' });
    expect(clock.pendingTimers).toBe(0);
  });

  it("aborts an attempt when its caller aborts, and the others keep their deadline", async () => {
    const { rf, transport, clock } = setup();
    transport.reply(() => 'hang');
    const controller = new AbortController();
    const aborted = watch(clock, rf(`${A}/a`, { signal: controller.signal }));
    const other = watch(clock, rf(`${A}/b`));
    await clock.advance(10);
    controller.abort();
    await clock.advance(0);
    expect(aborted).toMatchObject({ error: 'AbortError' });
    expect(transport.seen[0]!.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(990);
    expect(other).toMatchObject({ error: 'TimeoutError' });
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('a caller signal that outlives its calls', () => {
  it('is not left holding a listener per call once the responses are gone', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const { rf } = setup();
    const controller = new AbortController(); // e.g. one per page or component, shared by its calls
    const signal = controller.signal;
    let listening = 0;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
      listening++;
      add(...args);
    }) as AbortSignal['addEventListener'];
    signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
      listening--;
      remove(...args);
    }) as AbortSignal['removeEventListener'];
    for (let i = 0; i < 200; i++) expect((await rf(`${A}/x`, { signal })).status).toBe(200);
    for (let i = 0; i < 5 && listening > 20; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10)); // cleanup callbacks run after a collection
    }
    expect(listening).toBeLessThan(20);
  });

  it('still aborts a body being read when the caller aborts after the headers', async () => {
    let upstream: ReadableStreamDefaultController<Uint8Array> | undefined;
    // As fetch does: aborting the request's signal errors a body still being read.
    const rf = createResilientFetch({
      fetch: async (_input, init) => {
        const stream = new ReadableStream<Uint8Array>({
          start: (c) => {
            upstream = c;
            init?.signal?.addEventListener('abort', () => c.error(init.signal!.reason), { once: true });
          },
        });
        return new Response(stream, { status: 200 });
      },
      clock: new FakeClock(),
      policy: { defaults: { retry: { maxRetries: 0 } } },
    });
    const controller = new AbortController();
    const res = await rf(`${A}/stream`, { signal: controller.signal });
    upstream!.enqueue(new Uint8Array([1]));
    const reader = res.body!.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array([1]));
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });
});
