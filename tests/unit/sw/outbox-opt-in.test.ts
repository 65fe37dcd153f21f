import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { outbox } from '../../../src/sw/outbox/index.js';
import { carriedError } from './carried-error.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';
const IMPORT = "import { outbox } from 'resilient-fetch/sw/outbox'";

afterEach(() => void vi.unstubAllGlobals());

const write = (options: object = {}) => new Request(`${API}/notes`, { method: 'POST', body: 'note', headers: { [OPTIONS_HEADER]: JSON.stringify(options) } });
const down = () => new Response('down', { status: 503 });
/** The TypeError the page throws for the worker's answer to invalid per-call options (via-worker.ts). */
const refusal = (response: Response | undefined) => {
  const error = carriedError(response);
  return error?.name === 'TypeError' ? error.message : '';
};

describe('the outbox is an import of its own', () => {
  it('a worker script whose policy turns the outbox on without installing it fails at once, saying what to import', () => {
    expect(() => startWorker({ stateDbName: freshDbName(), policy: { defaults: { outbox: true } } })).toThrow(TypeError);
    expect(() => startWorker({ stateDbName: freshDbName(), policy: { defaults: { outbox: true } } })).toThrow(`policy.defaults.outbox must be false unless the worker installs the outbox (${IMPORT}`);
    expect(() => startWorker({ stateDbName: freshDbName(), policy: { origins: { [API]: { outbox: { maxEntries: 5 } } } } })).toThrow(`policy.origins["${API}"].outbox must be false`);
  });

  it('a page that turns it on with configure() is refused with the same message, and the live policy is unchanged', async () => {
    const worker = startWorker({ stateDbName: freshDbName(), policy: { defaults: { timeoutMs: 1_000 } } });
    const reply = await worker.command({ type: 'configure', config: { policy: { defaults: { outbox: true, timeoutMs: 2_000 } } } });
    expect(reply).toMatchObject({ ok: false, error: { name: 'TypeError' } });
    expect(!reply.ok && reply.error.message).toContain(IMPORT);
    const snapshot = await worker.command({ type: 'snapshot' });
    expect(snapshot.ok && snapshot.config?.policy?.defaults).toEqual({ timeoutMs: 1_000 });
  });

  it('a write marked for the outbox is refused before it is sent, rather than sent once and lost', async () => {
    const sent = fakeUpstream(down);
    const worker = startWorker({ stateDbName: freshDbName() });
    expect(refusal(await worker.fetch(write({ outbox: true })))).toContain(IMPORT);
    expect(sent).toHaveLength(0);
  });

  it('without it, writes not marked for it go to the network as before, and pages list an empty outbox', async () => {
    const sent = fakeUpstream(down);
    const worker = startWorker({ stateDbName: freshDbName(), policy: { defaults: { retry: { maxRetries: 0 } } } });
    expect((await worker.fetch(write()))?.status).toBe(503);
    expect(sent).toHaveLength(1);
    expect(await worker.command({ type: 'outbox', action: 'list' })).toEqual({ ok: true, outbox: { entries: [], origins: [], log: [] } });
  });

  it('installed, a write the origin cannot take now is kept and answered 202', async () => {
    fakeUpstream(down);
    const worker = startWorker({ stateDbName: freshDbName(), outbox, policy: { defaults: { outbox: true, retry: { maxRetries: 0 } } } });
    const response = await worker.fetch(write());
    expect(response?.status).toBe(202);
    expect(response?.headers.get('X-Resilience-Source')).toBe('outbox');
    const listed = await worker.command({ type: 'outbox', action: 'list' });
    expect(listed.ok && listed.outbox?.entries).toHaveLength(1);
  });

  it('a deploy that drops it keeps the pages\' other saved settings, and drops only those turning the outbox on', async () => {
    const stateDbName = freshDbName();
    const script = { stateDbName, version: '3', policy: { defaults: { timeoutMs: 1_000 } } };
    const before = startWorker({ ...script, outbox });
    const reply = await before.command({ type: 'configure', config: { policy: { defaults: { outbox: true, deadlineMs: 4_000 }, origins: { [API]: { outbox: { maxEntries: 5 }, retry: { maxRetries: 0 } } } } } });
    expect(reply.ok).toBe(true);

    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubGlobal('reportError', undefined);
    const after = startWorker(script); // same version, no outbox
    await after.installed.ready;
    const snapshot = await after.command({ type: 'snapshot' });
    expect(snapshot.ok && snapshot.config?.policy).toEqual({ defaults: { timeoutMs: 1_000, deadlineMs: 4_000 }, origins: { [API]: { retry: { maxRetries: 0 } } } });
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toContain('turn the outbox on, but this worker does not install it');
    expect(refusal(await after.fetch(write({ outbox: true })))).toContain(IMPORT); // and nothing is queued or lost

    const restarted = startWorker(script); // said once: what is kept was saved without it
    await restarted.installed.ready;
    const again = await restarted.command({ type: 'snapshot' });
    expect(again.ok && again.config?.policy?.defaults).toEqual({ timeoutMs: 1_000, deadlineMs: 4_000 });
    expect(errors).toHaveBeenCalledTimes(1);
  });
});
