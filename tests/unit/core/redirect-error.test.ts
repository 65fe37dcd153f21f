import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock } from './fakes.js';

/**
 * `redirect: 'error'` makes fetch reject a redirect with a TypeError that looks like any network
 * error. The upstream answered (a 3xx): sending it again cannot help, and it says nothing against
 * the origin. A transport that behaves as a browser's fetch does with each redirect mode, for a
 * URL that always redirects.
 */
function redirectingFetch(sent: RequestRedirect[]): typeof fetch {
  return async (input, init) => {
    const mode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    sent.push(mode);
    if (mode === 'error') throw new TypeError('Failed to fetch');
    if (mode === 'follow') return new Response('target');
    // What a browser gives for 'manual': an opaque redirect (status 0, no headers, no body).
    const opaque = new Response(null, { status: 200 });
    Object.defineProperties(opaque, { type: { value: 'opaqueredirect' }, status: { value: 0 } });
    return opaque;
  };
}

function engine(fetch: typeof globalThis.fetch) {
  const clock = new FakeClock();
  const policy = { defaults: { fallback: 'none' as const, breaker: { minimumCalls: 2 }, retry: { baseDelayMs: 10, jitter: 'none' as const } } };
  return { clock, rf: createResilientFetch({ fetch, clock, random: () => 0.5, policy }) };
}

describe("redirect: 'error'", () => {
  for (const [name, call] of [
    ['init', (rf: ReturnType<typeof engine>['rf']) => rf(`${A}/moved`, { redirect: 'error' })],
    ['a Request (a worker\'s FetchEvent.request)', (rf: ReturnType<typeof engine>['rf']) => rf(new Request(`${A}/moved`, { redirect: 'error' }))],
  ] as const) {
    it(`given in ${name}: a redirect is sent once, rejects with a TypeError, and counts nothing against the origin`, async () => {
      const sent: RequestRedirect[] = [];
      const { clock, rf } = engine(redirectingFetch(sent));
      // Three calls against a breaker that judges after two: counted as failures, they open it.
      for (let i = 1; i <= 3; i++) {
        const outcome = call(rf).then((response) => `resolved ${response.status}`, (error: unknown) => error);
        await clock.advance(1_000);
        expect(await outcome).toBeInstanceOf(TypeError);
        expect(sent).toHaveLength(i); // once per call, not once per attempt
      }
      expect(rf.snapshot()[0]?.breaker).toMatchObject({ state: 'closed', failures: 0 });
    });
  }

  it('still follows nothing else: an answer that is no redirect comes back as it is', async () => {
    const { clock, rf } = engine(async () => new Response('plain'));
    const calling = rf(`${A}/plain`, { redirect: 'error' });
    await clock.advance(10);
    expect(await (await calling).text()).toBe('plain');
  });

  it('still retries a real network failure', async () => {
    let n = 0;
    const { clock, rf } = engine(async () => {
      if (n++ === 0) throw new TypeError('Failed to fetch');
      return new Response('second');
    });
    const calling = rf(`${A}/flaky`, { redirect: 'error' });
    await clock.advance(1_000);
    expect(await (await calling).text()).toBe('second');
    expect(n).toBe(2);
  });
});
