import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { stripPageHeaders } from '../../../src/sw/options-header.js';
import { uploadStream } from '../upload-stream.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

const API = 'https://api.test';
const LIMIT = 64 * 1024;

afterEach(() => void vi.unstubAllGlobals());

/** A write as our page client sends it to the worker: the options header, and an Idempotency-Key so it may be retried. */
function pageUpload(body: ReadableStream<Uint8Array>): Request {
  const headers = { [OPTIONS_HEADER]: '{}', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'Content-Type': 'text/plain', 'Idempotency-Key': 'upload-1' };
  return new Request(`${API}/upload`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

/** An upstream that answers 503 then 200, noting how many bytes of the body had been pulled when each request reached it. */
function flakyUpstream(pulled: () => number) {
  const pulledAtSend: number[] = [];
  const bodies: string[] = [];
  const seen = fakeUpstream(async (request) => {
    pulledAtSend.push(pulled());
    bodies.push(await request.text());
    return new Response(bodies.length === 1 ? 'busy' : 'stored', { status: bodies.length === 1 ? 503 : 200 });
  });
  return { seen, pulledAtSend, bodies };
}

function worker() {
  return startWorker({ stateDbName: freshDbName(), policy: { origins: { [API]: { retry: { maxBufferedBodyBytes: LIMIT, baseDelayMs: 1, maxDelayMs: 1 } } } } });
}

describe('upload bodies through the worker', () => {
  it('over maxBufferedBodyBytes: sent once, intact, its 503 unretried, and never read whole before it goes', async () => {
    const upload = uploadStream(1024 * 1024);
    const upstream = flakyUpstream(upload.pulled);
    const response = await worker().fetch(pageUpload(upload.stream));
    expect(response?.status).toBe(503);
    expect(upstream.bodies).toEqual([upload.text]);
    expect(upstream.seen[0]!.headers.has(OPTIONS_HEADER)).toBe(false);
    // What the worker had taken from the page's body when the upstream began to receive it: the
    // engine's try at buffering (the limit, and the chunk that passed it) and the chunk or two its
    // streams read ahead (96 KiB in Node 20), not the megabyte it took before.
    expect(upstream.pulledAtSend[0]).toBeLessThan(2 * LIMIT);
  });

  it('within maxBufferedBodyBytes: buffered once and replayed byte for byte after a 503', async () => {
    const upload = uploadStream(LIMIT - 1000);
    const upstream = flakyUpstream(upload.pulled);
    const response = await worker().fetch(pageUpload(upload.stream));
    expect(response?.status).toBe(200);
    expect(upstream.bodies).toEqual([upload.text, upload.text]);
    expect(upstream.seen.every((r) => r.headers.get('idempotency-key') === 'upload-1' && !r.headers.has('traceparent'))).toBe(true);
  });

  it('where Request has no body property (Firefox): past the limit sent once, intact; within it replayed byte for byte', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, 'body')!;
    Object.defineProperty(Request.prototype, 'body', { configurable: true, get: () => undefined });
    try {
      const over = uploadStream(1024 * 1024);
      const once = flakyUpstream(over.pulled);
      expect((await worker().fetch(pageUpload(over.stream)))?.status).toBe(503);
      expect(once.bodies).toEqual([over.text]);

      const within = uploadStream(LIMIT - 1000);
      const twice = flakyUpstream(within.pulled);
      expect((await worker().fetch(pageUpload(within.stream)))?.status).toBe(200);
      expect(twice.bodies).toEqual([within.text, within.text]);
    } finally {
      Object.defineProperty(Request.prototype, 'body', descriptor);
    }
  });

  it('where Request has no body property (Firefox): a DELETE the page sent without a body is retried without one (no Content-Length: 0 upstream)', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, 'body')!;
    Object.defineProperty(Request.prototype, 'body', { configurable: true, get: () => undefined });
    try {
      const seen = fakeUpstream(() => new Response(seen.length === 1 ? 'busy' : 'gone', { status: seen.length === 1 ? 503 : 200 }));
      const response = await worker().fetch(new Request(`${API}/notes/1`, { method: 'DELETE', headers: { [OPTIONS_HEADER]: '{}' } }));
      expect(response?.status).toBe(200);
      expect(seen.map((request) => descriptor.get!.call(request))).toEqual([null, null]);
    } finally {
      Object.defineProperty(Request.prototype, 'body', descriptor);
    }
  });

  it('stripping our headers reads none of the body', () => {
    const upload = uploadStream(1024 * 1024);
    const stripped = stripPageHeaders(pageUpload(upload.stream));
    expect(stripped.headers.has(OPTIONS_HEADER)).toBe(false);
    expect(upload.pulled()).toBe(0);
  });
});
