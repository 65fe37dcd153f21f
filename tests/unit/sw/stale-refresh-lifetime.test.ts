// A GET answered early from its stored copy (stale-while-waiting) goes on to refresh the store.
// The fetch event's waitUntil must cover that refresh, its cache write and its spans' export, or a
// browser that stops the worker once the response is out loses them.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AttemptTrace, CallTrace } from '../../../src/core/types.js';
import type { WorkerTelemetry } from '../../../src/sw/resilience-config.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

/** Tracing that writes down when attempt spans end and when the worker flushes. */
function recordingTelemetry(log: string[]): WorkerTelemetry {
  const attempt: AttemptTrace = { inject: () => undefined, end: () => void log.push('attempt ended') };
  const call: CallTrace = { ids: () => ({}), event: () => undefined, set: () => undefined, outcome: () => undefined, startAttempt: () => attempt, end: () => undefined };
  return {
    tracing: { active: () => ({}) as never, extract: () => ({}) as never, startCall: () => call },
    propagate: () => false,
    flush: async () => void log.push('flush'),
  };
}

describe('a GET answered early from its stored copy', () => {
  it("keeps the worker alive until its refresh is stored and the refresh's spans are flushed", async () => {
    let version = 0;
    fakeUpstream(async () => {
      version++;
      if (version > 1) await new Promise((resolve) => setTimeout(resolve, 150)); // slower than staleAfterMs
      return new Response(`v${version}`);
    });
    const log: string[] = [];
    const worker = startWorker({ stateDbName: freshDbName(), cache: { dbName: freshDbName(), minRefreshMs: 0 }, telemetry: recordingTelemetry(log), policy: { origins: { 'https://api.test': { staleAfterMs: 30 } } } });
    expect(await (await worker.fetch(new Request('https://api.test/item')))!.text()).toBe('v1');
    log.length = 0;

    const early = await worker.fetch(new Request('https://api.test/item')); // resolves once its waitUntil has settled
    expect(await early!.text()).toBe('v1');
    expect(log.lastIndexOf('flush')).toBeGreaterThan(log.indexOf('attempt ended')); // flushed after the refresh's span ended
    expect(log).toContain('attempt ended');
    // The refresh was stored before the worker could be stopped.
    fakeUpstream(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await (await worker.fetch(new Request('https://api.test/item')))!.text()).toBe('v2');
  });
});
