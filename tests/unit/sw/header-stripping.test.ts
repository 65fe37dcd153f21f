import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import type { WorkerTelemetry } from '../../../src/sw/resilience-config.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';
const OURS = { [OPTIONS_HEADER]: '{}', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v' };

afterEach(() => void vi.unstubAllGlobals());

function expectNoneOfOurs(request: Request): void {
  expect(request.headers.has(OPTIONS_HEADER), request.url).toBe(false);
  expect(request.headers.has('traceparent'), request.url).toBe(false);
  expect(request.headers.has('tracestate'), request.url).toBe(false);
}

describe('our headers never leave the worker', () => {
  it('on the pipeline, bypass included, on any origin', async () => {
    const seen = fakeUpstream();
    const worker = startWorker({ stateDbName: freshDbName() });
    await worker.fetch(new Request(`${API}/a`, { headers: OURS }));
    await worker.fetch(new Request('https://elsewhere.test/b', { headers: { ...OURS, [OPTIONS_HEADER]: JSON.stringify({ bypass: true }) } }));
    await worker.fetch(new Request(`${API}/c`, { method: 'POST', body: 'x', headers: OURS }));
    expect(seen).toHaveLength(3);
    seen.forEach(expectNoneOfOurs);
  });

  it('on the path to the OTLP endpoint, which skips the pipeline', async () => {
    const seen = fakeUpstream();
    const telemetry: WorkerTelemetry = {
      tracing: { active: () => { throw new Error('not used'); }, extract: () => { throw new Error('not used'); }, startCall: () => { throw new Error('not used'); } },
      propagate: () => false,
      flush: async () => undefined,
      endpoint: 'https://collector.test/v1/traces',
    };
    const worker = startWorker({ stateDbName: freshDbName(), telemetry });
    const response = await worker.fetch(new Request('https://collector.test/v1/traces', { method: 'POST', body: '{}', headers: OURS }));
    expect(response?.status).toBe(200);
    expect(seen).toHaveLength(1);
    expectNoneOfOurs(seen[0]!);
    // Without our headers, the worker sends the export itself, as it came and outside the pipeline:
    // let through to the network, a page's export made while the page unloads was lost about one
    // time in five in Chromium (tests/e2e/telemetry.spec.ts, "the page's spans leave...").
    const plain = await worker.fetch(new Request('https://collector.test/v1/traces', { method: 'POST', body: '{}', headers: { 'x-app': '1' } }));
    expect(plain?.status).toBe(200);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers.get('x-app')).toBe('1');
  });

  it('takes only the OTLP endpoint itself for an export, not a longer path on its origin', async () => {
    const seen = fakeUpstream(() => new Response('busy', { status: 503 }));
    const telemetry: WorkerTelemetry = { tracing: { active: () => ({}) as never, extract: () => ({}) as never, startCall: () => undefined }, propagate: () => false, flush: async () => undefined, endpoint: 'https://collector.test/v1/traces' };
    const worker = startWorker({ stateDbName: freshDbName(), cache: false, telemetry, policy: { origins: { 'https://collector.test': { retry: { baseDelayMs: 1, maxDelayMs: 1 } } } } });
    // A named origin's other path goes through the pipeline: a 503 is retried...
    await worker.fetch(new Request('https://collector.test/v1/traces-archive'));
    expect(seen).toHaveLength(3);
    // ...while the endpoint itself, with or without a query, is sent once as it came, outside it.
    await worker.fetch(new Request('https://collector.test/v1/traces?x=1'));
    expect(seen).toHaveLength(4);
  });

  it("but an app's own traceparent, with no options header of ours, goes on as it came", async () => {
    // Our page client sends its traceparent only with the options header; alone, it is the app's
    // (its fetch instrumentation, or the in-page engine propagating to the upstream).
    const seen = fakeUpstream();
    const worker = startWorker({ stateDbName: freshDbName(), policy: { origins: { [API]: {} } } });
    await worker.fetch(new Request(`${API}/a`, { headers: { traceparent: OURS.traceparent, tracestate: OURS.tracestate } }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('traceparent')).toBe(OURS.traceparent);
    expect(seen[0]!.headers.get('tracestate')).toBe(OURS.tracestate);
  });
});

describe('the worker log', () => {
  it("redacts the query parameters the tracing setup was told to, as the worker's spans do", async () => {
    fakeUpstream(() => new Response('down', { status: 503 }));
    const lines: string[] = [];
    const telemetry: WorkerTelemetry = { tracing: { active: () => ({}) as never, extract: () => ({}) as never, startCall: () => undefined }, propagate: () => false, flush: async () => undefined, redactQueryParams: ['sid'] };
    const worker = startWorker({ stateDbName: freshDbName(), cache: false, telemetry, log: (line) => void lines.push(line), policy: { origins: { [API]: { retry: { maxRetries: 0 } } } } });
    await worker.fetch(new Request(`${API}/a?sid=s3cret&page=2`));
    await new Promise((resolve) => setTimeout(resolve, 10)); // log lines go out a task later
    expect(lines.some((line) => line.includes('page=2'))).toBe(true);
    expect(lines.join('\n')).not.toContain('s3cret');
  });
});
