import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';
const put = IDBObjectStore.prototype.put;

afterEach(() => {
  IDBObjectStore.prototype.put = put;
  vi.unstubAllGlobals();
});

describe('a cache turned off by a quota error', () => {
  it('is announced: a degraded event and a log line, and the call still succeeds', async () => {
    // A full disk: every write of a response body fails the way IndexedDB reports quota.
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (value instanceof ArrayBuffer) throw new DOMException('simulated full disk', 'QuotaExceededError');
      return put.call(this, value, key);
    };
    fakeUpstream(() => new Response('fresh', { status: 200 }));
    const events: ResilienceEvent[] = [];
    const lines: string[] = [];
    const worker = startWorker({
      stateDbName: freshDbName(),
      cache: { dbName: freshDbName() },
      policy: { origins: { [API]: {} } },
      onEvent: (e) => events.push(e),
      log: (line) => lines.push(line),
    });

    const response = await worker.fetch(new Request(`${API}/items`));
    expect(await response?.text()).toBe('fresh');
    expect(events).toContainEqual(expect.objectContaining({ type: 'degraded', component: 'cache', message: expect.stringMatching(/quota/i) }));
    expect(lines.some((line) => line.includes('degraded') && line.includes('cache'))).toBe(true);
  });
});
