import { describe, expect, it } from 'vitest';
import { createIdbResponseCache } from '../../../src/cache/index.js';
import { createResilientFetch, type ResponseCache } from '../../../src/core/index.js';
import { A, FakeClock } from './fakes.js';
import 'fake-indexeddb/auto';

/**
 * `response.url` and `response.redirected`, as fetch reports them: the final URL after any
 * redirect, and whether one was followed. An answer the engine rebuilt (to mark a retry, the last
 * 5xx, a stored copy) must read as the network's did.
 */
const MOVED = `${A}/old-path`;
const FINAL = `${A}/new-path`;

/** A Response as fetch gives one: Node's `new Response` leaves url '' and redirected false (a clone keeps fetch's). */
function fetched(body: string | null, status: number, url: string, redirected: boolean): Response {
  return withUrl(new Response(body, { status }), url, redirected);
}

function withUrl(response: Response, url: string, redirected: boolean): Response {
  const clone = response.clone.bind(response);
  return Object.defineProperties(response, { url: { value: url }, redirected: { value: redirected }, clone: { value: () => withUrl(clone(), url, redirected) } });
}

/** An upstream reached through a 302 from MOVED to FINAL: answers `statuses` in turn (the last repeats). */
function redirecting(...statuses: number[]): { fetch: typeof fetch; sent: () => number } {
  let n = 0;
  const fetch = async (input: RequestInfo | URL) => {
    const requested = input instanceof Request ? input.url : String(input);
    const status = statuses[Math.min(n++, statuses.length - 1)]!;
    return requested === MOVED ? fetched(`answer ${n}`, status, FINAL, true) : fetched(`answer ${n}`, status, requested, false);
  };
  return { fetch, sent: () => n };
}

function engine(fetch: typeof globalThis.fetch, cache?: ResponseCache, clock = new FakeClock()) {
  const policy = { defaults: { fallback: cache !== undefined ? ('cache' as const) : ('none' as const), retry: { maxRetries: 2, baseDelayMs: 10, jitter: 'none' as const } } };
  return { clock, rf: createResilientFetch({ fetch, clock, random: () => 0.5, policy, ...(cache !== undefined ? { cache } : {}) }) };
}

async function settle<T>(clock: FakeClock, call: Promise<T>): Promise<T> {
  await clock.advance(1_000);
  return call;
}

describe('response.url and response.redirected of an answer the engine rebuilt', () => {
  it('after a retry: the final URL of the redirect, and redirected', async () => {
    const upstream = redirecting(503, 200);
    const { clock, rf } = engine(upstream.fetch);
    const response = await settle(clock, rf(MOVED));
    expect(upstream.sent()).toBe(2);
    expect(await response.text()).toBe('answer 2');
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url: FINAL, redirected: true });
  });

  it('after a retry without a redirect: the URL fetch reported (not an empty one)', async () => {
    const url = `${A}/plain`;
    const { clock, rf } = engine(redirecting(503, 200).fetch);
    const response = await settle(clock, rf(url));
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url, redirected: false });
  });

  it('the last 5xx, given back when the attempts ran out: its final URL, and redirected', async () => {
    const { clock, rf } = engine(redirecting(503).fetch);
    const response = await settle(clock, rf(MOVED));
    expect(response.status).toBe(503);
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url: FINAL, redirected: true });
  });

  it('a stored copy served when the upstream fails: the URL the copy was fetched from, and redirected, as the Cache API keeps it', async () => {
    const clock = new FakeClock();
    const cache = createIdbResponseCache({ dbName: `response-url-${Math.random()}`, partition: null, now: () => clock.now() });
    const { rf } = engine(redirecting(200, 503).fetch, cache, clock);
    const fresh = await settle(clock, rf(MOVED));
    expect(fresh.url).toBe(FINAL);
    await fresh.text();
    await rf.settled(); // stored
    await clock.advance(60_000);
    const stale = await settle(clock, rf(MOVED));
    expect(stale.headers.get('X-Resilience-Source')).toBe('cache');
    expect(await stale.text()).toBe('answer 1');
    expect({ url: stale.url, redirected: stale.redirected }).toEqual({ url: FINAL, redirected: true });
    await cache.close();
  });

  it('the first answer from the network, passed through untouched, keeps its own', async () => {
    const { clock, rf } = engine(redirecting(200).fetch);
    const response = await settle(clock, rf(MOVED));
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url: FINAL, redirected: true });
  });
});
