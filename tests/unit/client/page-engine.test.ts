import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdbResponseCache } from '../../../src/cache/index.js';
import { setPageSettings } from '../../../src/client/page-settings.js';
import { resilientFetch } from '../../../src/client/resilient-fetch.js';

afterEach(() => void vi.unstubAllGlobals());

/** What the in-page engine stored for `url` under `partition` (it shares the worker's database). */
async function storedText(url: string, partition: string | null): Promise<string | undefined> {
  const cache = createIdbResponseCache({ partition });
  const hit = await cache.match(new Request(url));
  await cache.close();
  return hit?.response.text();
}

describe('the in-page engine\'s cache partition', () => {
  it('is the page\'s partition, fixed when the call starts', async () => {
    vi.stubGlobal('navigator', { serviceWorker: undefined, onLine: true });
    let answer!: (response: Response) => void;
    vi.stubGlobal('fetch', () => new Promise<Response>((resolve) => (answer = resolve)));
    setPageSettings({ cachePartition: 'alice' });

    const call = resilientFetch('https://api.test/me', { headers: { accept: 'text/plain' } });
    await vi.waitUntil(() => answer !== undefined);
    setPageSettings({ cachePartition: 'bob' }); // signed out and in while the answer is on its way
    answer(new Response('alice profile'));
    expect(await (await call).text()).toBe('alice profile');

    await vi.waitUntil(async () => (await storedText('https://api.test/me', 'alice')) !== undefined, { timeout: 2_000 });
    expect(await storedText('https://api.test/me', 'alice')).toBe('alice profile');
    expect(await storedText('https://api.test/me', 'bob')).toBeUndefined();
    expect(await storedText('https://api.test/me', null)).toBeUndefined();
  });
});

describe('a call fetch itself refuses, in the page', () => {
  // Through the worker the page's own fetch refuses it; the engine in the page must say the same.
  it.each([
    ['a URL it cannot parse', 'http://api.test:notaport/x', { method: 'POST', body: 'hello' }],
    ['a forbidden method', 'https://api.test/x', { method: 'CONNECT' }],
    ['a GET with a body', 'https://api.test/x', { body: 'hello' }],
  ])('%s: rejects with fetch\'s own TypeError, sending nothing', async (_what, url, init) => {
    vi.stubGlobal('navigator', { serviceWorker: undefined, onLine: true });
    const sent: unknown[] = [];
    const realFetch = globalThis.fetch;
    // The transport: what it could make a Request of would go out (answered here); the rest, fetch refuses.
    vi.stubGlobal('fetch', (input: RequestInfo | URL, options?: RequestInit) => {
      try {
        sent.push(new Request(input, options).url);
      } catch {
        return realFetch(input, options);
      }
      return Promise.resolve(new Response('answered'));
    });
    const fetchError = await realFetch(url, init).catch((e: Error) => e);
    expect(fetchError).toBeInstanceOf(TypeError);
    await expect(resilientFetch(url, { ...init, resilience: { retries: 0 } })).rejects.toThrow(new TypeError((fetchError as Error).message));
    expect(sent).toEqual([]);
  });
});
