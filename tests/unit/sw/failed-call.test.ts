// A call from our page client that the engine rejects in the worker rejects in the page as the
// engine rejects it there (a TimeoutError, its TypeError naming the URL and why): thrown in the
// worker, it would reach the page as fetch's bare "Failed to fetch" (respondWith rejected).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFetch } from '../../../src/client/resilient-fetch.js';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { failedCallAnswer } from '../../../src/sw/failed-call.js';
import { fakeController } from '../client/fake-controller.js';
import { carriedError } from './carried-error.js';
import { freshDbName, startWorker, type FakeWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

const API = 'https://api.test';
const NO_RETRY = { timeoutMs: 50, retries: 0, fallback: 'none' } as const;
type Upstream = (request: Request) => Promise<Response>;

/** Answers only when the request is aborted: with the abort's reason, as fetch rejects. */
const hang: Upstream = (request) => new Promise((_, reject) => request.signal.addEventListener('abort', () => reject(request.signal.reason)));
const refuse: Upstream = async () => {
  throw new TypeError('fetch failed');
};

/**
 * A page our worker controls: the page's fetch goes to the worker's fetch listener, and a rejected
 * respondWith becomes the network error a browser makes of it; the worker's own fetch goes upstream.
 */
function pageAndWorker(upstream: Upstream): FakeWorker {
  const worker = startWorker({ stateDbName: freshDbName(), policy: { origins: { [API]: { retry: { maxRetries: 0 }, fallback: 'none', timeoutMs: 50 } } } });
  vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController('ours').worker }, onLine: true });
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.headers.has(OPTIONS_HEADER)) return upstream(request);
    const answer = await worker.fetch(request).catch(() => {
      throw new TypeError('Failed to fetch');
    });
    return answer ?? upstream(request);
  });
  return worker;
}

/** What the engine rejects with when it runs the same call itself (as the in-page engine does). */
async function engineError(worker: FakeWorker, url: string): Promise<Error> {
  return worker.installed.fetch(url, { resilience: NO_RETRY }).then(
    () => expect.unreachable('the engine answered'),
    (error: Error) => error,
  );
}

async function pageError(url: string): Promise<Error> {
  return resilientFetch(url, { resilience: NO_RETRY }).then(
    () => expect.unreachable('the page got an answer'),
    (error: Error) => error,
  );
}

describe('a call the engine rejects in the worker, as the page sees it', () => {
  it('a hung upstream: the TimeoutError the engine throws, a DOMException with its message (the URL redacted)', async () => {
    const worker = pageAndWorker(hang);
    const url = `${API}/slow?token=secret`;
    const expected = await engineError(worker, url);
    expect(expected).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('timed out (timeout)') });
    const error = await pageError(url);
    expect(error).toBeInstanceOf(DOMException);
    expect({ name: error.name, message: error.message }).toEqual({ name: expected.name, message: expected.message });
    expect(error.message).not.toContain('secret');
  });

  it('an upstream that refuses: the engine\'s TypeError naming the URL and why', async () => {
    const worker = pageAndWorker(refuse);
    const url = `${API}/down`;
    const expected = await engineError(worker, url);
    const error = await pageError(url);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(expected.message);
    expect(error.message).toBe(`resilient-fetch: ${url} failed after 1 attempt(s) (network-error)`);
  });

  it('a plain fetch the worker handles still gets a network error, as fetch would', async () => {
    const worker = pageAndWorker(hang);
    await expect(worker.fetch(new Request(`${API}/plain`))).rejects.toMatchObject({ name: 'TimeoutError' }); // respondWith rejects
  });

  it('the page\'s own abort is not answered: the page\'s fetch has already rejected with its AbortError', async () => {
    const worker = pageAndWorker(hang);
    const call = worker.fetch(new Request(`${API}/slow`, { headers: { [OPTIONS_HEADER]: JSON.stringify({ timeoutMs: 10_000, retries: 0, abortId: 'a' }) } }));
    await worker.command({ type: 'abort', id: 'a' });
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('failedCallAnswer', () => {
  it('carries a TypeError or a DOMException by name and URI-encoded message, with a gateway status', () => {
    const timeout = failedCallAnswer(new DOMException('resilient-fetch: https://api.test/a?b=1 timed out (deadline)', 'TimeoutError'));
    expect(timeout.status).toBe(504);
    expect(carriedError(timeout)).toEqual({ name: 'TimeoutError', message: 'resilient-fetch: https://api.test/a?b=1 timed out (deadline)' });
    const failed = failedCallAnswer(new TypeError('resilient-fetch: https://api.test/a failed after 3 attempt(s) (network-error)'));
    expect(failed.status).toBe(502);
    expect(failed.headers.get('X-Resilience-Source')).toBe('synthetic');
    expect(failedCallAnswer(new TypeError('resilience.retries must be an integer >= 0, got -1'), 400).status).toBe(400);
  });

  it('rethrows anything else, which then reaches the page as the network error fetch gives', () => {
    const bug = new RangeError('not ours to carry');
    expect(() => failedCallAnswer(bug)).toThrow(bug);
  });
});
