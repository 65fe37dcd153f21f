// The worker tells pages what its fallback cache is with its handshake: an in-page engine shares
// the worker's IndexedDB database, so it stores nothing when the worker's cache is off, and
// stores in the worker's database with its limits otherwise (client/page-cache.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO } from '../../../src/sw/protocol.js';
import { freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

describe('the handshake reports the worker\'s cache option', () => {
  it('false when the script turned the cache off', async () => {
    const worker = startWorker({ stateDbName: freshDbName(), cache: false });
    expect(await worker.command({ type: 'hello' })).toEqual({ ok: true, hello: HELLO, pageCache: false });
  });

  it('its database and limits, not the worker\'s own memory nor its script partition', async () => {
    const dbName = freshDbName();
    const worker = startWorker({ stateDbName: freshDbName(), cache: { dbName, maxEntries: 10, maxAgeMs: 60_000, memoryEntries: 8, partition: 'script-user' } });
    const reply = await worker.command({ type: 'hello' });
    expect(reply).toMatchObject({ ok: true, hello: HELLO });
    const reported = (reply as { pageCache?: Record<string, unknown> }).pageCache;
    expect(Object.fromEntries(Object.entries(reported ?? {}).filter(([, v]) => v !== undefined))).toEqual({ dbName, maxEntries: 10, maxAgeMs: 60_000 });
    await worker.installed.cache?.close();
  });

  it('the defaults (an empty option) when the script left the cache on without options', async () => {
    const worker = startWorker({ stateDbName: freshDbName(), cache: undefined });
    const { pageCache } = (await worker.command({ type: 'hello' })) as { pageCache?: Record<string, unknown> };
    expect(pageCache).toBeTypeOf('object');
    expect(Object.values(pageCache ?? { x: 1 }).every((v) => v === undefined)).toBe(true);
    await worker.installed.cache?.close();
  });
});
