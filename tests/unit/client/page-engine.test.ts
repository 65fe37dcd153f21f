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
