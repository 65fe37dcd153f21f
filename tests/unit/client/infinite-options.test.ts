// Per-call options the engine takes as Infinity (no per-attempt timeout, no deadline, any age of
// stored copy) crossed to the worker as JSON, where Infinity is null: the same call that ran in
// the page was refused through the worker ("resilience.timeoutMs must be a number > 0 (Infinity
// allowed), got null"). The header the page sends is fed to a worker here, as the browser would.
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resilientFetch } from '../../../src/client/resilient-fetch.js';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { CallOptions } from '../../../src/core/types.js';
import { carriedError } from '../sw/carried-error.js';
import { fakeUpstream, freshDbName, startWorker } from '../sw/fake-worker.js';
import { fakeController } from './fake-controller.js';

afterEach(() => void vi.unstubAllGlobals());

/** The options header our page client sends for these options. */
async function headerFor(resilience: CallOptions): Promise<string> {
  vi.stubGlobal('navigator', { serviceWorker: { controller: fakeController('ours').worker }, onLine: true });
  let header: string | null = null;
  vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
    header = new Request(input, init).headers.get(OPTIONS_HEADER);
    return new Response('ok');
  });
  await resilientFetch('https://api.test/a', { resilience });
  vi.unstubAllGlobals();
  return header!;
}

describe('per-call options of Infinity, through the worker', () => {
  it.each<[string, CallOptions]>([
    ['timeoutMs: Infinity', { timeoutMs: Infinity }],
    ['deadlineMs: Infinity', { deadlineMs: Infinity }],
    ['maxStaleMs and staleAfterMs: Infinity', { maxStaleMs: Infinity, staleAfterMs: Infinity }],
    ['deadlineMs: -Infinity', { deadlineMs: -Infinity }],
  ])('%s is taken as in the page', async (_, resilience) => {
    const header = await headerFor(resilience);
    const sent = fakeUpstream();
    const worker = startWorker({ stateDbName: freshDbName() });
    const response = await worker.fetch(new Request('https://api.test/a', { headers: { [OPTIONS_HEADER]: header } }));
    expect(carriedError(response)).toBeUndefined();
    // -Infinity: a deadline already past, a local rejection that sends nothing; the others are sent.
    expect(sent).toHaveLength(resilience.deadlineMs === -Infinity ? 0 : 1);
  });
});
