import { afterEach, describe, expect, it } from 'vitest';
import { setup } from './helpers.js';

const realPut = IDBObjectStore.prototype.put;

/** A full disk: IndexedDB refuses every body write the way browsers report quota. */
function fillTheDisk(): void {
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (value instanceof ArrayBuffer) throw new DOMException('simulated full disk', 'QuotaExceededError');
    return realPut.call(this, value, key);
  };
}

afterEach(() => {
  IDBObjectStore.prototype.put = realPut;
});

describe('quota exceeded while queueing (simulated: the body write throws QuotaExceededError)', () => {
  it('gives the caller the original failure, marked quota-exceeded, and leaves nothing half-written', async () => {
    const t = setup();
    fillTheDisk();
    t.script('offline');
    const res = await t.post('/w', 'body');
    expect(res.status).toBe(503);
    expect(res.headers.get('X-Resilience-Source')).toBe('synthetic');
    expect(res.headers.get('X-Resilience-Outbox-Refused')).toBe('quota-exceeded');
    IDBObjectStore.prototype.put = realPut;
    // The entry's metadata was added in the same transaction as the body: it is gone too.
    expect(await t.store.entries()).toEqual([]);
    expect(t.kinds()).toEqual(['refused']);
    expect(t.degraded.join()).toMatch(/QuotaExceededError/);
  });

  it('a network failure the outbox could not keep still rejects as fetch does, saying both', async () => {
    const t = setup();
    fillTheDisk();
    t.script('network-error');
    await expect(t.post('/w', 'body')).rejects.toThrow(new TypeError('fetch failed; the outbox could not keep it (quota-exceeded)'));
  });
});
