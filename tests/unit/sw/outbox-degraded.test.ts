// When the outbox cannot do its job (a write it could not store), the operator hears it where they
// hear every other degradation: the app's onEvent and the log, not only the pages' channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { outbox } from '../../../src/sw/outbox/index.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const realPut = IDBObjectStore.prototype.put;

afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
  vi.unstubAllGlobals();
});

/** A full disk: every body write fails the way browsers report quota. */
function fillTheDisk(): void {
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (value instanceof ArrayBuffer) throw new DOMException('simulated full disk', 'QuotaExceededError');
    return realPut.call(this, value, key);
  };
}

function workerWithOutbox(onEvent: (event: ResilienceEvent) => void, logged: string[] = []) {
  fakeUpstream(() => new Response('down', { status: 503 }));
  return startWorker({
    stateDbName: freshDbName(),
    outbox,
    policy: { defaults: { outbox: true, retry: { maxRetries: 0 } } },
    onEvent,
    log: (line) => void logged.push(line),
  });
}

const write = () => new Request('https://api.test/notes', { method: 'POST', body: 'note', headers: { [OPTIONS_HEADER]: '{}' } });

describe('an outbox that cannot keep a write', () => {
  it('is reported to the app and logged as degraded', async () => {
    const heard: ResilienceEvent[] = [];
    const logged: string[] = [];
    const worker = workerWithOutbox((event) => heard.push(event), logged);
    fillTheDisk();
    const response = await worker.fetch(write());
    expect(response?.headers.get('X-Resilience-Outbox-Refused')).toBe('quota-exceeded');
    expect(heard).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'outbox', message: expect.stringMatching(/QuotaExceededError/) }));
    expect(logged.some((line) => line.includes('"event":"degraded"') && line.includes('outbox'))).toBe(true);
  });

  it("an onEvent that throws on that report breaks nothing: the caller still gets the original failure, and the app's error is reported", async () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const worker = workerWithOutbox((event) => {
      if (event.type === 'degraded') throw new Error('listener bug');
    });
    fillTheDisk();
    const response = await worker.fetch(write());
    expect(response?.status).toBe(503);
    expect(response?.headers.get('X-Resilience-Outbox-Refused')).toBe('quota-exceeded');
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'listener bug' }));
  });
});
