import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFetch } from '../../../src/client/resilient-fetch.js';
import { setPageSettings } from '../../../src/client/page-settings.js';
import { fakeController } from './fake-controller.js';

afterEach(() => void vi.unstubAllGlobals());

const MOVED = 'https://api.test/old';
const FINAL = 'https://api.test/new';

/** A Response as the browser's fetch gives one after following a redirect. */
function redirected(body: string, status: number): Response {
  const response = new Response(body, { status });
  Object.defineProperties(response, { url: { value: FINAL }, redirected: { value: true } });
  return response;
}

describe("response.url and response.redirected of a redirected answer the engine rebuilt, as the page's fetch reports them", () => {
  it('in the page (no worker of ours): after a retry', async () => {
    vi.stubGlobal('navigator', { serviceWorker: undefined, onLine: true });
    setPageSettings({ policy: { defaults: { fallback: 'none', retry: { baseDelayMs: 1, maxDelayMs: 1 } } } });
    let n = 0;
    vi.stubGlobal('fetch', async () => redirected(`answer ${++n}`, n === 1 ? 503 : 200));
    const response = await resilientFetch(MOVED);
    expect(await response.text()).toBe('answer 2');
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url: FINAL, redirected: true });
  });

  it("through our worker: the browser gives a Response the worker built the request's URL, so the page takes the final one the worker names", async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController('ours').worker }, onLine: true });
    // What the page's fetch resolves with: the worker's rebuilt answer, which the browser gave the request's URL.
    vi.stubGlobal('fetch', async () => {
      const answer = new Response('retried', { headers: { 'X-Resilience-Source': 'network', 'X-Resilience-Attempts': '2', 'X-Resilience-Url': FINAL } });
      Object.defineProperty(answer, 'url', { value: MOVED, configurable: true }); // as the prototype's getter would read
      return answer;
    });
    const response = await resilientFetch(MOVED);
    expect({ url: response.url, redirected: response.redirected }).toEqual({ url: FINAL, redirected: true });
  });
});
