// Some browsers' IndexedDB has been seen never to answer an open (WebKit, after the app was
// suspended). The worker reads its saved state before judging a call: that read must not hold
// every call forever.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

/** An IndexedDB whose open requests never fire an event. */
const silentIndexedDB = { open: () => ({}), deleteDatabase: () => ({}) } as unknown as IDBFactory;

describe('an IndexedDB that never answers', () => {
  it('costs the saved state (said as a degraded event), not the calls', async () => {
    fakeUpstream(() => new Response('fresh'));
    vi.stubGlobal('indexedDB', silentIndexedDB);
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const heard: ResilienceEvent[] = [];
    const worker = startWorker({ stateDbName: freshDbName(), onEvent: (e) => heard.push(e) });
    const call = worker.fetch(new Request('https://api.test/a', { headers: { [OPTIONS_HEADER]: '{}' } }));
    const hung = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 4_000));
    const response = await Promise.race([call.then((r) => r?.text()), hung]);
    expect(response).toBe('fresh');
    expect(heard).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'state-store', message: expect.stringContaining('did not answer') }));
    expect(reported).toHaveBeenCalled();
  });
});
