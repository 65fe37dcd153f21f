import { describe, expect, it } from 'vitest';
import { isOurWorker } from '../../../src/client/handshake.js';
import { fakeController } from './fake-controller.js';

describe('handshake with the controlling worker', () => {
  it('recognises our worker, and asks each worker once', async () => {
    const { worker, messages } = fakeController('ours');
    expect(await isOurWorker(worker)).toBe(true);
    expect(await isOurWorker(worker)).toBe(true);
    expect(messages).toEqual([{ type: 'hello' }]);
  });

  it('a worker that never answers is not ours (after a bounded wait)', async () => {
    const { worker } = fakeController('silent');
    const started = Date.now();
    expect(await isOurWorker(worker)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await isOurWorker(worker)).toBe(false); // decided: later calls do not wait again
  });

  it('a worker that answers something else is not ours', async () => {
    expect(await isOurWorker(fakeController('echo').worker)).toBe(false);
  });

  it('our worker answering after the wait counts for later calls', async () => {
    const { worker } = fakeController({ lateMs: 1_300 });
    expect(await isOurWorker(worker)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await isOurWorker(worker)).toBe(true);
  });

  it('registration waits longer than a call: a worker slow to answer (a loaded machine) is ours for the first call after it', async () => {
    const { worker } = fakeController({ lateMs: 1_300 });
    const call = isOurWorker(worker); // a call made meanwhile gives up after the usual wait
    expect(await isOurWorker(worker, 10_000)).toBe(true);
    expect(await call).toBe(false);
    expect(isOurWorker(worker)).toBe(true); // decided: no wait at all
  });
});
