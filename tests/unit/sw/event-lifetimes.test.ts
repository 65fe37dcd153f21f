// A browser may stop the worker as soon as an event's waitUntil promises settle. Whatever the
// event produced (log lines, broadcasts, state writes) must be out by then, for every event the
// worker handles, not only fetch: a page's command, a Background Sync replay.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { outbox } from '../../../src/sw/outbox/index.js';
import { SYNC_TAG } from '../../../src/sw/outbox/install.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';

beforeEach(() => void vi.stubGlobal('indexedDB', new IDBFactory())); // a fresh outbox database per test
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/**
 * Timers fire after IndexedDB's tasks, as a browser's event loop may order them (it picks among
 * task sources freely): a post left to a timer is then still pending when the IndexedDB work ends.
 */
function timersAfterStorage(): void {
  const realSetTimeout = globalThis.setTimeout;
  vi.stubGlobal('setTimeout', (fn: () => void, ms?: number) => realSetTimeout(fn, Math.max(ms ?? 0, 30)));
}

/** A worker with the outbox whose log sink stops hearing anything once the test "stops" it. */
function workerThatStops(stateDbName = freshDbName()) {
  let stopped = false;
  const heard: ResilienceEvent[] = [];
  const logged: string[] = [];
  const worker = startWorker({
    stateDbName,
    outbox,
    policy: { defaults: { outbox: true, retry: { maxRetries: 0 } } },
    onEvent: (event) => heard.push(event),
    log: (line) => void (stopped || logged.push(line)),
  });
  return { worker, heard, logged, stop: () => void (stopped = true) };
}

const write = () => new Request(`${API}/notes`, { method: 'POST', body: 'note', headers: { [OPTIONS_HEADER]: '{}' } });
const loggedTypes = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { event: string }).event);

describe('what an event produced is out before its waitUntil settles', () => {
  it('a page asking for a replay (the outbox flush command)', async () => {
    fakeUpstream(() => new Response('down', { status: 503 }));
    timersAfterStorage();
    const t = workerThatStops();
    expect((await t.worker.fetch(write()))?.status).toBe(202);
    const before = t.heard.length;
    await t.worker.command({ type: 'outbox', action: 'flush' });
    t.stop();
    expect(t.heard.length).toBeGreaterThan(before); // the replay was judged: a failure event
    expect(loggedTypes(t.logged)).toEqual(t.heard.map((e) => e.type));
  });

  it('a Background Sync replay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    fakeUpstream(() => new Response('down', { status: 503 }));
    timersAfterStorage();
    const t = workerThatStops();
    expect((await t.worker.fetch(write()))?.status).toBe(202);
    const before = t.heard.length;
    vi.setSystemTime(Date.now() + 60_000); // past the outbox's backoff: the sync replays
    await t.worker.dispatch('sync', { tag: SYNC_TAG });
    t.stop();
    expect(t.heard.length).toBeGreaterThan(before);
    expect(loggedTypes(t.logged)).toEqual(t.heard.map((e) => e.type));
  });

  it('the replay a starting worker makes, under the event that started it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let up = false;
    const sent = fakeUpstream(() => (up ? new Response('ok') : new Response('down', { status: 503 })));
    const stateDbName = freshDbName();
    expect((await workerThatStops(stateDbName).worker.fetch(write()))?.status).toBe(202);
    up = true;
    vi.setSystemTime(Date.now() + 60_000); // past the outbox's backoff: a starting worker replays
    const restarted = workerThatStops(stateDbName); // the browser starts it for a page's message
    await restarted.worker.command({ type: 'hello' });
    restarted.stop();
    expect(sent).toHaveLength(2); // the original send, then the replay
    // Delivered and removed before the worker could be stopped: not sent a second time later.
    expect(await new OutboxStore(indexedDB).entries()).toEqual([]);
  });
});
