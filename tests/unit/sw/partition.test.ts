import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';

afterEach(() => void vi.unstubAllGlobals());

describe('the worker\'s cache partition', () => {
  it('is the one in force when the request started, not when its response arrived', async () => {
    let answer!: (response: Response) => void;
    fakeUpstream(() => new Promise<Response>((resolve) => (answer = resolve)));
    const worker = startWorker({ stateDbName: freshDbName(), cache: { dbName: freshDbName(), minRefreshMs: 0 }, policy: { origins: { [API]: {} } } });
    expect((await worker.command({ type: 'configure', config: { cachePartition: 'alice' } })).ok).toBe(true);

    const call = worker.fetch(new Request(`${API}/me`));
    await vi.waitUntil(() => answer !== undefined);
    expect((await worker.command({ type: 'configure', config: { cachePartition: 'bob' } })).ok).toBe(true);
    answer(new Response('alice profile'));
    expect(await (await call)?.text()).toBe('alice profile');

    const cache = worker.installed.cache!;
    expect(await cache.match(new Request(`${API}/me`))).toBeUndefined(); // bob's partition
    cache.setPartition('alice');
    expect(await (await cache.match(new Request(`${API}/me`)))?.response.text()).toBe('alice profile');
  });
});
