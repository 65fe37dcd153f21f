import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock } from './fakes.js';

/**
 * A `no-cors` request may only follow redirects (Fetch spec, main fetch: any other redirect mode is
 * a network error, before anything is sent; Chromium, Firefox and WebKit reject it with a
 * TypeError, and so does Node's fetch). So `redirect: 'error'` (and 'manual') with `mode:
 * 'no-cors'` can never succeed: sending it again cannot help, and it says nothing about the origin.
 * A transport that refuses it as fetch does, and counts what reaches it.
 */
function specFetch(reached: RequestInit[]): typeof fetch {
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const mode = init?.mode ?? request?.mode ?? 'cors';
    const redirect = init?.redirect ?? request?.redirect ?? 'follow';
    reached.push({ mode, redirect });
    if (mode === 'no-cors' && redirect !== 'follow') throw new TypeError('Failed to fetch');
    return new Response('ok');
  };
}

function engine(fetch: typeof globalThis.fetch) {
  const clock = new FakeClock();
  const policy = { defaults: { fallback: 'none' as const, breaker: { minimumCalls: 2 }, retry: { baseDelayMs: 10, jitter: 'none' as const } } };
  return { clock, rf: createResilientFetch({ fetch, clock, random: () => 0.5, policy }) };
}

describe("mode: 'no-cors' with a redirect mode other than 'follow'", () => {
  for (const [name, call] of [
    ["redirect: 'error' in init", (rf: ReturnType<typeof engine>['rf']) => rf(`${A}/pixel`, { mode: 'no-cors', redirect: 'error' })],
    ["redirect: 'manual' in init", (rf: ReturnType<typeof engine>['rf']) => rf(`${A}/pixel`, { mode: 'no-cors', redirect: 'manual' })],
    ["a Request made with redirect: 'error'", (rf: ReturnType<typeof engine>['rf']) => rf(new Request(`${A}/pixel`, { mode: 'no-cors', redirect: 'error' }))],
  ] as const) {
    it(`${name}: rejects at once with a TypeError naming redirect and its value, sends nothing, and counts nothing against the origin`, async () => {
      const reached: RequestInit[] = [];
      const { clock, rf } = engine(specFetch(reached));
      for (let i = 1; i <= 3; i++) {
        const outcome = call(rf).then((response) => `resolved ${response.status}`, (error: unknown) => error);
        await clock.advance(1_000);
        const error = await outcome;
        expect(error).toBeInstanceOf(TypeError);
        expect((error as TypeError).message).toMatch(/redirect.*'(error|manual)'.*no-cors|no-cors.*redirect.*'(error|manual)'/);
      }
      expect(reached).toEqual([]); // fetch would refuse it without sending: no attempt at all
      expect(rf.snapshot()[0]?.breaker ?? { state: 'closed', failures: 0 }).toMatchObject({ state: 'closed', failures: 0 });
      // The origin still answers the calls it can.
      const plain = rf(`${A}/pixel`, { mode: 'no-cors' });
      await clock.advance(10);
      expect((await plain).status).toBe(200);
    });
  }
});
