import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFetch } from '../../../src/client/resilient-fetch.js';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { CALL_ERROR } from '../../../src/core/headers.js';
import { fakeController, type Behaviour } from './fake-controller.js';

afterEach(() => void vi.unstubAllGlobals());

function controlledBy(behaviour: Behaviour): Request[] {
  vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController(behaviour).worker }, onLine: true });
  const sent: Request[] = [];
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    sent.push(new Request(input, init));
    return new Response('ok');
  });
  return sent;
}

describe('resilientFetch under a controlling worker', () => {
  it('adds no header of ours when the worker is not ours, and runs the engine in the page', async () => {
    const sent = controlledBy('echo');
    const res = await resilientFetch('https://api.test/a', { headers: { accept: 'application/json' }, resilience: { retries: 1 } });
    expect(await res.text()).toBe('ok');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.has(OPTIONS_HEADER)).toBe(false);
    expect(sent[0]!.headers.has('traceparent')).toBe(false);
    expect(sent[0]!.headers.get('accept')).toBe('application/json');
  });

  it('sends per-call options in our header once our worker answered, and no traceparent when the app does not trace', async () => {
    const sent = controlledBy('ours');
    await resilientFetch('https://api.test/b', { resilience: { retries: 1, throwOnReject: true } });
    expect(JSON.parse(sent[0]!.headers.get(OPTIONS_HEADER)!)).toEqual({ retries: 1 });
    expect(sent[0]!.headers.has('traceparent')).toBe(false);
  });
});

describe('resilientFetch when our worker refuses the per-call options', () => {
  it('throws the TypeError the worker named, as the in-page engine would', async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController('ours').worker }, onLine: true });
    const message = 'resilience.retries must be an integer >= 0, got -1';
    vi.stubGlobal('fetch', async () => new Response(null, { status: 400, headers: { [CALL_ERROR]: `TypeError:${encodeURIComponent(message)}` } }));
    await expect(resilientFetch('https://api.test/a', { resilience: { retries: -1 } })).rejects.toThrow(new TypeError(message));
  });
});

describe('resilientFetch through our worker, aborted by the app', () => {
  it("rejects with the signal's reason, though the browser's fetch rejected with its own AbortError (WebKit: 'Fetch is aborted')", async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController('ours').worker }, onLine: true });
    const webkitAbort = () => new DOMException('Fetch is aborted', 'AbortError');
    vi.stubGlobal('fetch', (_input: RequestInfo | URL, init?: RequestInit) => new Promise((_, reject) => (init?.signal?.aborted ? reject(webkitAbort()) : init?.signal?.addEventListener('abort', () => reject(webkitAbort())))));
    const controller = new AbortController();
    const call = resilientFetch('https://api.test/a', { signal: controller.signal });
    const reason = new DOMException('signal timed out', 'TimeoutError');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
  });
});
