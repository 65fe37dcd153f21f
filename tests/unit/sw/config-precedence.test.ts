import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConfigUpdate } from '../../../src/sw/protocol.js';
import { freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';

afterEach(() => void vi.unstubAllGlobals());

async function liveConfig(worker: ReturnType<typeof startWorker>) {
  const reply = await worker.command({ type: 'snapshot' });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.config!;
}

async function configure(worker: ReturnType<typeof startWorker>, config: ConfigUpdate) {
  const reply = await worker.command({ type: 'configure', config });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.config!;
}

describe('config precedence', () => {
  it('a newly deployed config wins over what pages sent to the previous one', async () => {
    const stateDbName = freshDbName();
    const v1 = startWorker({ stateDbName, policy: { defaults: { timeoutMs: 1_000 } } });
    await configure(v1, { policy: { defaults: { timeoutMs: 9_000, retry: { maxRetries: 0 } } } });

    const v2 = startWorker({ stateDbName, policy: { defaults: { timeoutMs: 2_000 } } });
    await v2.installed.ready;
    const live = await liveConfig(v2);
    expect(live.policy?.defaults?.timeoutMs).toBe(2_000);
    expect(live.policy?.defaults?.retry).toBeUndefined(); // nothing of the old version's page settings
  });

  it('what pages sent is kept across a restart of the same version', async () => {
    const stateDbName = freshDbName();
    const script = { stateDbName, policy: { defaults: { timeoutMs: 1_000 } } };
    await configure(startWorker(script), { policy: { defaults: { retry: { maxRetries: 0 } } } });

    const restarted = startWorker(script);
    await restarted.installed.ready;
    expect((await liveConfig(restarted)).policy?.defaults).toMatchObject({ timeoutMs: 1_000, retry: { maxRetries: 0 } });
  });

  it('an explicit version keys the pages\' settings instead of the config hash', async () => {
    const stateDbName = freshDbName();
    await configure(startWorker({ stateDbName, version: '7', policy: { defaults: { timeoutMs: 1_000 } } }), { policy: { defaults: { deadlineMs: 4_000 } } });
    const sameVersion = startWorker({ stateDbName, version: '7', policy: { defaults: { timeoutMs: 3_000 } } });
    await sameVersion.installed.ready;
    expect((await liveConfig(sameVersion)).policy?.defaults).toMatchObject({ timeoutMs: 3_000, deadlineMs: 4_000 });
  });

  it('null resets one field to the script\'s value, and removes an origin override', async () => {
    const worker = startWorker({ stateDbName: freshDbName(), policy: { defaults: { timeoutMs: 1_000 } } });
    await configure(worker, { policy: { defaults: { timeoutMs: 5_000 }, origins: { [API]: { retry: { maxRetries: 0 } } } } });
    expect(worker.installed.fetch.namedOrigins()).toEqual([API]);

    const reset = await configure(worker, { policy: { defaults: { timeoutMs: null }, origins: { [API]: null } } });
    expect(reset.policy?.defaults?.timeoutMs).toBe(1_000);
    expect(reset.policy?.origins?.[API]).toBeUndefined();
    expect(worker.installed.fetch.namedOrigins()).toEqual([]);
  });

  it('an invalid partial changes nothing and names the field', async () => {
    const worker = startWorker({ stateDbName: freshDbName(), policy: { defaults: { timeoutMs: 1_000 } } });
    const reply = await worker.command({ type: 'configure', config: { policy: { defaults: { timeoutMs: -1 } } } });
    expect(reply).toEqual({ ok: false, error: { name: 'TypeError', message: expect.stringContaining('timeoutMs') } });
    expect((await liveConfig(worker)).policy?.defaults?.timeoutMs).toBe(1_000);
  });

  it('the cache partition (who is signed in) survives a new config version', async () => {
    const stateDbName = freshDbName();
    await configure(startWorker({ stateDbName, policy: { defaults: { timeoutMs: 1_000 } } }), { cachePartition: 'alice' });
    const v2 = startWorker({ stateDbName, policy: { defaults: { timeoutMs: 2_000 } } });
    await v2.installed.ready;
    expect((await liveConfig(v2)).cachePartition).toBe('alice');
    expect((await configure(v2, { cachePartition: null })).cachePartition).toBeNull();
  });

  it('a bad version is refused with a TypeError naming it', () => {
    expect(() => startWorker({ stateDbName: freshDbName(), version: '' })).toThrow(/version must be a non-empty string/);
  });
});
