// A URL once served stale is announced `fresh-arrived` when a later call's fresh answer comes. A
// page that reads again on the notice must get that answer, even when the upstream fails by then:
// the notice must wait until the answer is stored (as stale-while-waiting's `refreshed` does).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Broadcast } from '../../../src/sw/protocol.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

/** A body that sends `text` in two chunks, `gapMs` apart: its copy is stored only once it ends. */
function slowBody(text: string, gapMs: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, 1));
      await new Promise((resolve) => setTimeout(resolve, gapMs));
      controller.enqueue(bytes.slice(1));
      controller.close();
    },
  });
}

describe('fresh-arrived', () => {
  it('comes once the fresh answer is stored: a page reading again on it, with the upstream down, gets the fresh copy', async () => {
    let answer: 'v1' | 'down' | 'v2 slowly' = 'v1';
    fakeUpstream(() => {
      if (answer === 'down') return new Response('down', { status: 503 });
      return new Response(answer === 'v1' ? 'v1' : slowBody('v2', 100));
    });
    const url = 'https://api.test/item';
    const worker = startWorker({ stateDbName: freshDbName(), cache: { dbName: freshDbName(), minRefreshMs: 0 }, policy: { origins: { 'https://api.test': { retry: { maxRetries: 0 } } } } });
    // Broadcasts recorded from here on (the worker opens its channel on the first post).
    const readsOnNotice: Promise<string>[] = [];
    vi.stubGlobal('BroadcastChannel', class {
      postMessage(message: Broadcast) {
        if (message.type !== 'cache' || message.kind !== 'fresh-arrived') return;
        answer = 'down'; // the upstream fails again by the time the page reads
        readsOnNotice.push(worker.fetch(new Request(url)).then((r) => r!.text()));
      }
    });

    expect(await (await worker.fetch(new Request(url)))!.text()).toBe('v1'); // stored
    answer = 'down';
    const stale = await worker.fetch(new Request(url));
    expect(await stale!.text()).toBe('v1'); // served stale: the URL is now watched
    answer = 'v2 slowly';
    const fresh = await worker.fetch(new Request(url));
    expect(await fresh!.text()).toBe('v2');
    await vi.waitFor(() => expect(readsOnNotice).toHaveLength(1));
    expect(await readsOnNotice[0]).toBe('v2');
  });
});
