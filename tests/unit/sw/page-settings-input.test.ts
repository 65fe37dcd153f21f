// What a page sends with configure() (registerResilience's `config` too) is checked like the worker
// script's own config: a TypeError naming the field and the value, and nothing changed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

describe('configure() from a page', () => {
  it('refuses a misspelt field rather than ignoring it (a sign-in whose partition never applied)', async () => {
    const worker = startWorker({ stateDbName: freshDbName() });
    const reply = await worker.command({ type: 'configure', config: { cachepartition: 'user-1' } as never });
    expect(reply).toEqual({ ok: false, error: { name: 'TypeError', message: 'cachepartition is not a field of configure() (it takes policy and cachePartition)' } });
    const snapshot = await worker.command({ type: 'snapshot' });
    expect(snapshot.ok && snapshot.config).toEqual({ policy: {}, cachePartition: null });
  });

  it('still takes the fields it knows', async () => {
    const worker = startWorker({ stateDbName: freshDbName() });
    const reply = await worker.command({ type: 'configure', config: { cachePartition: 'user-1', policy: { defaults: { timeoutMs: 2_000 } } } });
    expect(reply.ok && reply.config).toEqual({ policy: { defaults: { timeoutMs: 2_000 } }, cachePartition: 'user-1' });
  });
});
