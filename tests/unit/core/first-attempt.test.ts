import { describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { A, FakeClock } from './fakes.js';

/**
 * A call with nothing to watch is sent without a Call (first-attempt.ts). What it owes the caller
 * is what any call owes: its timeout holds whatever the transport does, its slot comes back,
 * and what is not a plain answer goes on to retries as before.
 */
function engine(fetch: typeof globalThis.fetch, policy: object = {}) {
  const clock = new FakeClock();
  const rf = createResilientFetch({ fetch, clock, random: () => 0.5, policy: { defaults: { fallback: 'none', ...policy } } });
  return { clock, rf };
}

describe('the first attempt sent without a Call', () => {
  it('hands the caller the transport Response itself, counted for the breaker', async () => {
    const answer = new Response('ok');
    const { rf } = engine(async () => answer);
    expect(await rf(`${A}/x`)).toBe(answer);
    expect(rf.snapshot()[0]?.breaker).toMatchObject({ calls: 1, failures: 0 });
  });

  it('times out on time with a transport that ignores the signal, retries, and cancels the late body', async () => {
    let cancelled = 0;
    let sent = 0;
    const fetch = (): Promise<Response> => {
      const n = sent++;
      if (n > 0) return Promise.resolve(new Response('second'));
      // Answers only after the attempt timed out, and never looks at the signal.
      return new Promise((resolve) => {
        setTimeout(() => resolve(new Response(new ReadableStream({ cancel: () => void cancelled++ }))), 30);
      });
    };
    const { clock, rf } = engine(fetch as typeof globalThis.fetch, { timeoutMs: 1_000, retry: { maxRetries: 1, baseDelayMs: 10 } });
    const calling = rf(`${A}/x`);
    await clock.advance(1_000 + 10 + 50);
    const res = await calling;
    expect(await res.text()).toBe('second');
    expect(describeResponse(res)).toMatchObject({ source: 'network', attempts: 2 });
    expect(rf.snapshot()[0]?.breaker.failures).toBe(1); // the timeout counted
    await new Promise((resolve) => setTimeout(resolve, 60)); // the first answer arrives, too late
    expect(cancelled).toBe(1);
  });

  it('gives its slot back when the transport throws instead of returning a promise', async () => {
    let n = 0;
    const fetch = ((): Promise<Response> => {
      if (n++ === 0) throw new TypeError('transport bug');
      return Promise.resolve(new Response('ok'));
    }) as typeof globalThis.fetch;
    for (const timeoutMs of [1_000, Infinity]) {
      n = 0;
      const { rf } = engine(fetch, { timeoutMs, deadlineMs: Infinity, concurrency: { maxInFlight: 1, maxQueue: 0 } });
      await expect(rf(`${A}/x`)).rejects.toThrow('transport bug');
      expect((await rf(`${A}/x`)).status).toBe(200); // a leaked slot would have refused it: queue-full
    }
  });
});
