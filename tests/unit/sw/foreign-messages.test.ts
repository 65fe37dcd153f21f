// The worker script is the app's too: it may speak its own protocol over postMessage (Workbox's
// messageSW({ type: 'SKIP_WAITING' }), a version query...). Whoever answers first on the port
// wins, so the worker must answer only the commands that are ours.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HELLO } from '../../../src/sw/protocol.js';
import { freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

/** Posts `data` with a reply port; resolves with the replies that came within a moment. */
async function post(worker: ReturnType<typeof startWorker>, data: unknown): Promise<unknown[]> {
  const channel = new MessageChannel();
  const replies: unknown[] = [];
  channel.port1.onmessage = (event) => replies.push(event.data);
  await worker.dispatch('message', { data, ports: [channel.port2] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  channel.port1.close();
  return replies;
}

describe("the app's own messages", () => {
  it('are left unanswered for the app to answer', async () => {
    const worker = startWorker({ stateDbName: freshDbName() });
    expect(await post(worker, { type: 'SKIP_WAITING' })).toEqual([]);
    expect(await post(worker, { type: 'GET_VERSION' })).toEqual([]);
    expect(await post(worker, 'a string message')).toEqual([]);
    expect(await post(worker, null)).toEqual([]);
  });

  it('ours are still answered', async () => {
    const worker = startWorker({ stateDbName: freshDbName() });
    expect(await post(worker, { type: 'hello' })).toEqual([{ ok: true, hello: HELLO, pageCache: false }]);
  });
});
