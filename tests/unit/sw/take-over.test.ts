import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';

afterEach(() => void vi.unstubAllGlobals());

describe('a new version that installs while the old one serves', () => {
  it('takes over with what the old one saved after it installed: breakers, pages\' settings, the partition', async () => {
    const stateDbName = freshDbName();
    const script = { stateDbName, policy: { origins: { [API]: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 2, failureRateThreshold: 0.5, openMs: 60_000 } } } } };
    const v1 = startWorker(script);
    await v1.installed.ready;
    const v2 = startWorker(script, 'https://app.test', 'installed'); // same config: a code-only deploy
    await new Promise((resolve) => setTimeout(resolve, 20)); // v2 has read the state as it was

    fakeUpstream(() => new Response('down', { status: 503 }));
    for (let i = 0; i < 3; i++) await v1.fetch(new Request(`${API}/x`));
    expect(v1.installed.fetch.snapshot().find((o) => o.origin === API)?.breaker.state).toBe('open');
    const configured = await v1.command({ type: 'configure', config: { cachePartition: 'user-b', policy: { defaults: { timeoutMs: 3_000 } } } });
    expect(configured.ok).toBe(true);
    await v1.installed.fetch.settled();

    await v2.dispatch('activate');
    const snapshot = await v2.command({ type: 'snapshot' });
    if (!snapshot.ok) throw new Error(snapshot.error.message);
    expect(snapshot.origins?.find((o) => o.origin === API)?.breaker.state).toBe('open');
    expect(snapshot.config).toMatchObject({ cachePartition: 'user-b', policy: { defaults: { timeoutMs: 3_000 } } });
  });
});
