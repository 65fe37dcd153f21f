import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startOtlpReceiver, type OtlpReceiverHandle, type ReceivedSpan } from '../../../demo-app/server/otlp-receiver.js';

/** Finished spans made by the real SDK: a SERVER root and a CLIENT child with every attribute type. */
function makeSpans(opts: { startMs?: number; rootName?: string } = {}): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'test-svc', 'deployment.environment': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('receiver-test', '1.2.3');
  const start = opts.startMs ?? Date.now();
  const root = tracer.startSpan(opts.rootName ?? 'GET /items', { kind: SpanKind.SERVER, startTime: start });
  // No context manager is registered here, so the parent is passed explicitly.
  const child = tracer.startSpan(
    'GET',
    {
      kind: SpanKind.CLIENT,
      startTime: start + 1,
      attributes: { 'http.response.status_code': 503, ratio: 0.25, retried: true, 'url.full': 'http://x/y', tags: ['a', 'b'] },
    },
    trace.setSpan(context.active(), root),
  );
  child.addEvent('retry', { attempt: 2 }, start + 2);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503' });
  child.end(start + 5);
  root.setStatus({ code: SpanStatusCode.OK });
  root.end(start + 10);
  return exporter.getFinishedSpans();
}

function post(url: string, body: Uint8Array | string, headers: Record<string, string>): Promise<Response> {
  // Copied into a plain ArrayBuffer-backed view: the DOM typings reject a Buffer-backed one.
  return fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
}

function withoutVolatile(spans: ReceivedSpan[]): ReceivedSpan[] {
  return [...spans].sort((a, b) => a.spanId.localeCompare(b.spanId));
}

describe('otlp-receiver', () => {
  let rx: OtlpReceiverHandle;

  beforeAll(async () => {
    rx = await startOtlpReceiver({ log: () => {} });
  });
  afterAll(async () => {
    await rx.close();
  });
  beforeEach(() => rx.clear());

  it('listens on 127.0.0.1 on an ephemeral port', () => {
    expect(rx.port).toBeGreaterThan(0);
    expect(rx.url).toBe(`http://127.0.0.1:${rx.port}`);
    expect(rx.tracesUrl).toBe(`${rx.url}/v1/traces`);
  });

  it('normalizes JSON and protobuf exports of the same spans identically', async () => {
    const sdkSpans = makeSpans();
    const json = JsonTraceSerializer.serializeRequest(sdkSpans)!;
    const proto = ProtobufTraceSerializer.serializeRequest(sdkSpans)!;

    const jsonRes = await post(rx.tracesUrl, json, { 'content-type': 'application/json' });
    expect(jsonRes.status).toBe(200);
    expect(jsonRes.headers.get('content-type')).toBe('application/json');
    expect(await jsonRes.json()).toEqual({});
    const fromJson = rx.spans();

    rx.clear();
    const protoRes = await post(rx.tracesUrl, proto, { 'content-type': 'application/x-protobuf' });
    expect(protoRes.status).toBe(200);
    expect(protoRes.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await protoRes.arrayBuffer()).byteLength).toBe(0); // an empty ExportTraceServiceResponse
    const fromProto = rx.spans();

    expect(fromJson).toHaveLength(2);
    expect(withoutVolatile(fromProto)).toEqual(withoutVolatile(fromJson));

    const sdkChild = sdkSpans.find((s) => s.name === 'GET')!;
    const sdkRoot = sdkSpans.find((s) => s.name === 'GET /items')!;
    const child = fromProto.find((s) => s.name === 'GET')!;
    const root = fromProto.find((s) => s.name === 'GET /items')!;
    expect(child).toMatchObject({
      traceId: sdkChild.spanContext().traceId,
      spanId: sdkChild.spanContext().spanId,
      parentSpanId: sdkRoot.spanContext().spanId,
      kind: 'CLIENT',
      durationMs: 4,
      attributes: { 'http.response.status_code': 503, ratio: 0.25, retried: true, 'url.full': 'http://x/y', tags: ['a', 'b'] },
      events: [{ name: 'retry', attributes: { attempt: 2 } }],
      status: { code: 'ERROR', message: 'upstream 503' },
      serviceName: 'test-svc',
      scope: { name: 'receiver-test', version: '1.2.3' },
    });
    expect(child.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(BigInt(child.events[0]!.timeUnixNano) - BigInt(child.startTimeUnixNano)).toBe(1_000_000n);
    expect(child.resource).toMatchObject({ 'service.name': 'test-svc', 'deployment.environment': 'test' });
    expect(root).toMatchObject({ kind: 'SERVER', status: { code: 'OK' }, durationMs: 10 });
    expect(root.parentSpanId).toBeUndefined();
    expect(rx.requestCount).toBe(1); // clear() reset the count after the JSON export
  });

  it('accepts gzip-compressed protobuf', async () => {
    const body = gzipSync(ProtobufTraceSerializer.serializeRequest(makeSpans())!);
    const res = await post(rx.tracesUrl, body, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(rx.spans()).toHaveLength(2);
  });

  it('is accepted by the real OTLP/HTTP exporter', async () => {
    const exporter = new OTLPTraceExporter({ url: rx.tracesUrl });
    const result = await new Promise<ExportResult>((resolve) => exporter.export(makeSpans(), resolve));
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(rx.spans().map((s) => s.name).sort()).toEqual(['GET', 'GET /items']);
  });

  it('reads the OTLP/JSON variants: enum names, int64 as strings or numbers, base64 ids', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hand' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.alloc(16, 0xab).toString('base64'),
                  spanId: 'ABCDEF0123456789',
                  name: 'manual',
                  kind: 'SPAN_KIND_PRODUCER',
                  startTimeUnixNano: 1_700_000_000_000_000_000,
                  endTimeUnixNano: '1700000000002500000',
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'small', value: { intValue: '42' } },
                    { key: 'nested', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: false } }] } } },
                    { key: 'empty', value: {} },
                  ],
                  status: { code: 'STATUS_CODE_ERROR' },
                },
              ],
            },
          ],
        },
      ],
    };
    const res = await post(rx.tracesUrl, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8' });
    expect(res.status).toBe(200);
    expect(rx.spans()[0]).toMatchObject({
      traceId: 'ab'.repeat(16),
      spanId: 'abcdef0123456789',
      kind: 'PRODUCER',
      startTimeUnixNano: '1700000000000000000',
      durationMs: 2.5,
      attributes: { big: '9007199254740993', small: 42, nested: { k: false }, empty: null },
      status: { code: 'ERROR' },
      serviceName: 'hand',
      scope: { name: '' },
    });
  });

  it('rejects malformed bodies with 4xx and keeps serving', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [Uint8Array | string, Record<string, string>, number, RegExp][] = [
      ['{', json, 400, /invalid JSON/],
      ['[]', json, 400, /request must be an object/],
      ['{"resourceSpans":5}', json, 400, /resourceSpans must be an array/],
      [
        JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz', spanId: '0102030405060708' }] }] }] }),
        json,
        400,
        /traceId must be 16 bytes/,
      ],
      ['hello', { 'content-type': 'text/plain' }, 415, /unsupported content-type/],
      ['not gzip', { ...json, 'content-encoding': 'gzip' }, 400, /invalid gzip/],
      ['{}', { ...json, 'content-encoding': 'br' }, 415, /unsupported content-encoding/],
    ];
    for (const [body, headers, status, message] of cases) {
      const res = await post(rx.tracesUrl, body, headers);
      expect(res.status, String(body)).toBe(status);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }

    // Field 1 (resource_spans) claims a length far past the end of the buffer.
    const badProto = await post(rx.tracesUrl, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(badProto.status).toBe(400);
    expect(badProto.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await badProto.arrayBuffer()).byteLength).toBeGreaterThan(0); // a google.rpc.Status

    expect(rx.spans()).toHaveLength(0);
    const ok = await post(rx.tracesUrl, JsonTraceSerializer.serializeRequest(makeSpans())!, json);
    expect(ok.status).toBe(200);
    expect(rx.spans()).toHaveLength(2);
    expect(rx.requestCount).toBe(cases.length + 2);
  });

  it('bounds the body (413), also after decompression, and the number of spans kept', async () => {
    const small = await startOtlpReceiver({ maxBodyBytes: 1024, maxSpans: 3 });
    try {
      const big = await post(small.tracesUrl, 'x'.repeat(4096), { 'content-type': 'application/json' });
      expect(big.status).toBe(413);
      const bomb = gzipSync(Buffer.alloc(64 * 1024, 0x20)); // tiny compressed, 64 KiB inflated
      expect(bomb.byteLength).toBeLessThan(1024);
      const bombRes = await post(small.tracesUrl, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(bombRes.status).toBe(413);

      for (let i = 0; i < 3; i++) {
        const res = await post(small.tracesUrl, ProtobufTraceSerializer.serializeRequest(makeSpans({ rootName: `r${i}` }))!, {
          'content-type': 'application/x-protobuf',
        });
        expect(res.status).toBe(200);
      }
      expect(small.spans().map((s) => s.name)).toEqual(['r1', 'GET', 'r2']);
    } finally {
      await small.close();
    }
  });

  it('answers CORS preflights and sets Access-Control-Allow-Origin', async () => {
    const origin = 'http://127.0.0.1:5173';
    const pre = await fetch(rx.tracesUrl, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-extra' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type,x-extra');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');

    const res = await post(rx.tracesUrl, '{}', { 'content-type': 'application/json', origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const noOrigin = await fetch(`${rx.url}/api/spans`);
    expect(noOrigin.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves spans and traces over HTTP, newest trace first, and clears', async () => {
    const older = makeSpans({ startMs: 1_000_000, rootName: 'older' });
    const newer = makeSpans({ startMs: 2_000_000, rootName: 'newer' });
    for (const spans of [newer, older]) {
      await post(rx.tracesUrl, JsonTraceSerializer.serializeRequest(spans)!, { 'content-type': 'application/json' });
    }
    const olderTraceId = older[0]!.spanContext().traceId;

    const one = (await (await fetch(`${rx.url}/api/spans?traceId=${olderTraceId}`)).json()) as ReceivedSpan[];
    expect(one.map((s) => s.name).sort()).toEqual(['GET', 'older']);
    expect(one.every((s) => s.traceId === olderTraceId)).toBe(true);

    const traces = (await (await fetch(`${rx.url}/api/traces?limit=5`)).json()) as { rootName: string; spanCount: number; hasError: boolean; durationMs: number; serviceNames: string[] }[];
    expect(traces.map((t) => t.rootName)).toEqual(['newer', 'older']);
    expect(traces[0]).toMatchObject({ spanCount: 2, hasError: true, durationMs: 10, serviceNames: ['test-svc'] });
    const limited = (await (await fetch(`${rx.url}/api/traces?limit=1`)).json()) as unknown[];
    expect(limited).toHaveLength(1);
    expect(rx.traces(1)[0]?.rootName).toBe('newer');

    const del = await fetch(`${rx.url}/api/spans`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(rx.spans()).toEqual([]);
    expect((await fetch(`${rx.url}/nope`)).status).toBe(404);
  });

  it('waitFor resolves when a matching span arrives and rejects clearly on timeout', async () => {
    const waiting = rx.waitFor((spans) => spans.some((s) => s.name === 'late'), 2_000, 'span "late"');
    await post(rx.tracesUrl, JsonTraceSerializer.serializeRequest(makeSpans({ rootName: 'late' }))!, {
      'content-type': 'application/json',
    });
    const spans = await waiting;
    expect(spans.map((s) => s.name)).toContain('late');

    await expect(rx.waitFor((s) => s.some((x) => x.name === 'never'), 50, 'span "never"')).rejects.toThrow(
      /waitFor \(span "never"\) timed out after 50 ms; 2 spans from 1 export requests received, latest: \["GET","late"\]/,
    );
  });

  it('forwards the raw body to another collector and logs a failing forward once', async () => {
    const collector = await startOtlpReceiver();
    const logs: string[] = [];
    const forwarding = await startOtlpReceiver({ forwardTo: collector.tracesUrl, log: (m) => logs.push(m) });
    // A port that was just free: connections are refused.
    const dead = http.createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const failing = await startOtlpReceiver({ forwardTo: `http://127.0.0.1:${deadPort}/v1/traces`, log: (m) => logs.push(m) });
    try {
      const body = gzipSync(ProtobufTraceSerializer.serializeRequest(makeSpans())!);
      const headers = { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' };
      expect((await post(forwarding.tracesUrl, body, headers)).status).toBe(200);
      const got = await collector.waitFor((s) => s.length === 2, 2_000);
      expect(withoutVolatile(got)).toEqual(withoutVolatile(forwarding.spans()));

      expect((await post(failing.tracesUrl, body, headers)).status).toBe(200);
      expect((await post(failing.tracesUrl, body, headers)).status).toBe(200);
    } finally {
      await Promise.all([forwarding.close(), failing.close()]); // close() awaits pending forwards
      await collector.close();
    }
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/forwarding to .* failed/);
  });
});
