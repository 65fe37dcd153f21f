import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { SavedOriginState } from '../../../src/core/types.js';
import { IdbStateStore } from '../../../src/sw/idb-state-store.js';
import { freshDbName } from './fake-worker.js';

function saved(origin: string, savedAt: number): SavedOriginState {
  return { origin, breaker: { state: 'open', openUntil: savedAt + 5_000, openMs: 5_000 }, pausedUntil: null, savedAt };
}

describe('IdbStateStore origins', () => {
  it('keeps at most maxOrigins origins, dropping the least recently saved', async () => {
    const store = new IdbStateStore(freshDbName(), () => 4);
    for (let i = 1; i <= 6; i++) await store.save(saved(`https://o${i}.test`, 1_000 * i));
    await store.save(saved('https://o2.test', 10_000)); // saved again: recent now
    const origins = (await store.load()).map((s) => s.origin).sort();
    expect(origins).toEqual(['https://o2.test', 'https://o4.test', 'https://o5.test', 'https://o6.test']);
  });

  it('follows a limit lowered at run time', async () => {
    let limit = 10;
    const store = new IdbStateStore(freshDbName(), () => limit);
    for (let i = 1; i <= 5; i++) await store.save(saved(`https://o${i}.test`, i));
    limit = 2;
    await store.save(saved('https://o6.test', 6));
    expect((await store.load()).map((s) => s.origin).sort()).toEqual(['https://o5.test', 'https://o6.test']);
  });
});
