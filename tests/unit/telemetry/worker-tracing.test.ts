import { createServer } from 'node:net';
import { ROOT_CONTEXT, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/create-resilient-fetch.js';
import { createEventLogger } from '../../../src/telemetry/event-logger.js';
import { setupWorkerTracing } from '../../../src/telemetry/worker-tracing.js';
import { FakeExporter } from './fake-exporter.js';

const ENDPOINT = 'https://collector.test/v1/traces';

afterEach(() => {
  propagation.disable();
});

/** A local port nothing listens on: the collector is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('setupWorkerTracing', () => {
  it('constructs in Node (no location): no own origin, only propagateTo', () => {
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, propagateTo: ['https://api.test'] });
    expect(tracing.propagate(new URL('https://api.test/x'))).toBe(true);
    expect(tracing.propagate(new URL('https://other.test/x'))).toBe(false);
    expect(tracing.endpoint).toBe(ENDPOINT);
    expect(tracing.isExporterRequest(new URL(ENDPOINT))).toBe(true);
    expect(tracing.dropped()).toBe(0);
  });

  it('propagates to its own origin', () => {
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, ownOrigin: 'https://app.test', exporter: new FakeExporter() });
    expect(tracing.propagate(new URL('https://app.test/api'))).toBe(true);
    expect(tracing.propagate(new URL('https://api.test/'))).toBe(false);
  });

  it('validates its config', () => {
    expect(() => setupWorkerTracing({ serviceName: 'sw', endpoint: '/v1/traces' })).toThrow(TypeError);
    expect(() => setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, propagateTo: ['api.test'] })).toThrow(TypeError);
    expect(() => setupWorkerTracing({ serviceName: '', endpoint: ENDPOINT })).toThrow(TypeError);
  });

  it('exports on flush with service.name, and registers the W3C propagator without a context manager', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'shop-sw', endpoint: ENDPOINT, exporter, resourceAttributes: { 'deployment.environment.name': 'test' } });
    const span = tracing.tracer.startSpan('GET', {}, ROOT_CONTEXT);
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
    expect(headers['traceparent']).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    span.end();

    expect(exporter.batches).toHaveLength(0);
    await tracing.flush();
    expect(exporter.exportedSpans).toHaveLength(1);
    expect(exporter.exportedSpans[0]!.resource.attributes).toMatchObject({ 'service.name': 'shop-sw', 'deployment.environment.name': 'test' });
    // Nothing registered a context manager: the active context stays ROOT.
    expect(context.with(trace.setSpan(ROOT_CONTEXT, span), () => trace.getSpan(context.active()))).toBeUndefined();
  });

  it('traces the engine with an explicit parent context and injects traceparent', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter, ownOrigin: 'https://app.test' });
    const sent: Headers[] = [];
    const rf = createResilientFetch({
      fetch: (input, init) => {
        sent.push(new Request(input, init).headers);
        return Promise.resolve(new Response('ok'));
      },
      tracing: tracing.tracing,
      propagateTraceTo: (url) => tracing.propagate(url),
    });
    const pageContext = propagation.extract(ROOT_CONTEXT, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    await rf('https://app.test/api', { resilience: { traceContext: pageContext } });
    await tracing.flush();
    const spans = exporter.exportedSpans;
    expect(spans.length).toBeGreaterThanOrEqual(2);
    expect(spans.every((s) => s.spanContext().traceId === '0af7651916cd43dd8448eb211c80319c')).toBe(true);
    const attempt = spans.find((s) => s.name === 'GET')!;
    expect(sent[0]?.get('traceparent')).toBe(`00-0af7651916cd43dd8448eb211c80319c-${attempt.spanContext().spanId}-01`);
    expect(sent[0]?.get('traceparent')).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  it('with the collector down: flush resolves within the export timeout, spans are counted as failed', async () => {
    const port = await closedPort();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: `http://127.0.0.1:${port}/v1/traces`, exportTimeoutMillis: 300 });
    for (let i = 0; i < 3; i++) tracing.tracer.startSpan(`s${i}`).end();
    const started = Date.now();
    await expect(tracing.flush()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(tracing.failed()).toBe(3);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });

  it('drops spans beyond maxQueueSize while an export is stuck, and counts them', async () => {
    const exporter = new FakeExporter('manual');
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter, maxQueueSize: 4, maxExportBatchSize: 2 });
    for (let i = 0; i < 9; i++) tracing.tracer.startSpan(`s${i}`).end();
    // 2 in flight, 4 queued, 3 dropped.
    expect(tracing.dropped()).toBe(3);
    const flushed = tracing.flush();
    while (exporter.pending.length > 0 || exporter.batches.length < 3) {
      if (exporter.pending.length > 0) exporter.settleNext();
      await Promise.resolve();
    }
    await flushed;
    expect(exporter.exportedSpans.map((s) => s.name)).toEqual(['s0', 's1', 's2', 's3', 's4', 's5']);
  });

  it('presigned S3 and GCS URLs reach span url.full with their signing values redacted (semconv 1.45 list and the X-Amz-/X-Goog- kin)', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter });
    const rf = createResilientFetch({ fetch: () => Promise.resolve(new Response('ok')), tracing: tracing.tracing });
    await rf('https://bucket.s3.test/a.png?AWSAccessKeyId=AKIA1&Expires=9&X-Amz-Credential=AKIA2&X-Amz-Security-Token=st&X-Amz-Signature=s3sig');
    await rf('https://storage.test/b/o?X-Goog-Credential=svc&X-Goog-Signature=gsig&X-Goog-Expires=60');
    await tracing.flush();
    const urls = exporter.exportedSpans.map((s) => String(s.attributes['url.full']));
    expect(urls).toHaveLength(4);
    for (const url of urls) expect(url).not.toMatch(/AKIA1|AKIA2|=st&|s3sig|=svc|gsig/);
    expect(urls).toContain('https://bucket.s3.test/a.png?AWSAccessKeyId=REDACTED&Expires=9&X-Amz-Credential=REDACTED&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED');
    expect(urls).toContain('https://storage.test/b/o?X-Goog-Credential=REDACTED&X-Goog-Signature=REDACTED&X-Goog-Expires=60');
  });

  it('a method outside the semconv list is _OTHER with http.request.method_original, and its spans are named HTTP (no span name per made-up method)', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter });
    const rf = createResilientFetch({ fetch: () => Promise.resolve(new Response('ok')), tracing: tracing.tracing });
    await rf('https://api.test/cache/x', { method: 'PURGE' });
    await rf('https://api.test/q', { method: 'QUERY', body: 'q' });
    await tracing.flush();
    const described = exporter.exportedSpans.map((s) => [s.name, s.attributes['http.request.method'], s.attributes['http.request.method_original']]);
    expect(described).toEqual([
      ['HTTP', '_OTHER', 'PURGE'],
      ['resilientFetch HTTP', '_OTHER', 'PURGE'],
      ['QUERY', 'QUERY', undefined],
      ['resilientFetch QUERY', 'QUERY', undefined],
    ]);
  });

  it('a fragment (never sent, often an OAuth #access_token) reaches neither url.full nor the logs', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter });
    const lines: string[] = [];
    const rf = createResilientFetch({
      fetch: () => Promise.resolve(new Response('', { status: 503 })),
      tracing: tracing.tracing,
      onEvent: createEventLogger({ sink: (line) => lines.push(line) }),
      policy: { defaults: { fallback: 'none' } },
    });
    await rf('https://api.test/cb?state=s#access_token=at1&expires_in=3600', { resilience: { retries: 0 } });
    await tracing.flush();
    const urls = exporter.exportedSpans.map((s) => String(s.attributes['url.full']));
    expect(urls).toContain('https://api.test/cb?state=s');
    expect(urls.join(' ')).not.toMatch(/#|at1/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toMatch(/at1/);
  });

  it('a call that failed with the upstream\'s 5xx is an error on its resilientFetch span, as its attempts are (a success is not)', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter });
    const rf = createResilientFetch({ fetch: (input) => Promise.resolve(new Response('', { status: String(input).endsWith('/down') ? 503 : 200 })), tracing: tracing.tracing });
    expect((await rf('https://api.test/down', { resilience: { retries: 0, fallback: 'none' } })).status).toBe(503);
    await rf('https://api.test/up');
    await tracing.flush();
    const call = (path: string) => exporter.exportedSpans.find((s) => s.name === 'resilientFetch GET' && String(s.attributes['url.full']).endsWith(path))!;
    expect(call('/down').attributes).toMatchObject({ 'resilience.outcome': 'failed', 'error.type': 'upstream-error' });
    expect(call('/down').status.code).toBe(SpanStatusCode.ERROR);
    expect(call('/up').status.code).toBe(SpanStatusCode.UNSET);
    expect(call('/up').attributes['error.type']).toBeUndefined();
  });

  it('redactQueryParams adds the app\'s own secret names to the spans\' redaction (the worker has no other place to give them)', async () => {
    const exporter = new FakeExporter();
    const tracing = setupWorkerTracing({ serviceName: 'sw', endpoint: ENDPOINT, exporter, redactQueryParams: ['SID'] });
    const rf = createResilientFetch({ fetch: () => Promise.resolve(new Response('', { status: 503 })), tracing: tracing.tracing });
    await rf('https://api.test/x?sid=s1&token=t1&q=1', { resilience: { retries: 1, fallback: 'none' } });
    await tracing.flush();
    const urls = new Set(exporter.exportedSpans.map((s) => s.attributes['url.full']));
    expect(exporter.exportedSpans).toHaveLength(3);
    expect([...urls]).toEqual(['https://api.test/x?sid=REDACTED&token=REDACTED&q=1']);
  });
});
