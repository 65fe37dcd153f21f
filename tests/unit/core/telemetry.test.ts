import { engineTracing } from '../../../src/telemetry/engine-tracing.js';
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { redactUrl } from '../../../src/core/tracing.js';
import { A, B, FakeClock, FakeTransport } from './fakes.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');

beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
afterAll(() => propagation.disable());

function setup(extra: Record<string, unknown> = {}) {
  exporter.reset();
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const rf = createResilientFetch({
    fetch: transport.fetch,
    clock,
    random: () => 0,
    tracing: engineTracing(tracer),
    propagateTraceTo: (url) => url.origin === A,
    policy: { defaults: { breaker: { minimumCalls: 2 }, ...extra } },
  });
  return { clock, transport, rf };
}

describe('spans', () => {
  it('makes one INTERNAL call span and one CLIENT span per attempt, with semconv attributes', async () => {
    const { rf, transport, clock } = setup();
    transport.sequence({ status: 503 }, { status: 200 });
    const p = rf(`https://a.test:8443/x?token=secret&q=1`);
    await clock.advance(10);
    await p;
    const spans = exporter.getFinishedSpans();
    const call = spans.find((s) => s.kind === SpanKind.INTERNAL)!;
    const attempts = spans.filter((s) => s.kind === SpanKind.CLIENT);
    expect(call.name).toBe('resilientFetch GET');
    expect(call.attributes).toMatchObject({ 'resilience.outcome': 'retried', 'resilience.attempts': 2 });
    expect(attempts.map((s) => s.name)).toEqual(['GET', 'GET']);
    expect(attempts.every((s) => s.parentSpanContext?.spanId === call.spanContext().spanId)).toBe(true);
    expect(attempts[0]!.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.full': 'https://a.test:8443/x?token=REDACTED&q=1',
      'server.address': 'a.test',
      'server.port': 8443,
      'http.response.status_code': 503,
      'error.type': '503',
    });
    expect(attempts[0]!.attributes['http.request.resend_count']).toBeUndefined();
    expect(attempts[1]!.attributes['http.request.resend_count']).toBe(1);
    expect(attempts[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(call.events.map((e) => e.name)).toContain('resilience.retry');
  });

  it('redacts credentials and configured query keys from url.full', () => {
    const keys = new Set(['token', 'x-sig']);
    expect(redactUrl('https://user:pw@a.test/p?token=t&X-Sig=s&keep=1', keys)).toBe('https://REDACTED:REDACTED@a.test/p?token=REDACTED&X-Sig=REDACTED&keep=1');
  });

  it('sends traceparent with the attempt span id only to allowed origins', async () => {
    const { rf, transport } = setup();
    await rf(`${A}/x`);
    await rf(`${B}/x`);
    const attemptA = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT && s.attributes['server.address'] === 'a.test')!;
    expect(transport.seen[0]!.headers.get('traceparent')).toBe(`00-${attemptA.spanContext().traceId}-${attemptA.spanContext().spanId}-01`);
    expect(transport.seen[1]!.headers.get('traceparent')).toBeNull();
  });

  it('continues the caller trace from traceContext', async () => {
    const { rf } = setup();
    const parent = tracer.startSpan('page');
    await rf(`${A}/x`, { resilience: { traceContext: trace.setSpan(context.active(), parent) } });
    parent.end();
    const call = exporter.getFinishedSpans().find((s) => s.name === 'resilientFetch GET')!;
    expect(call.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(call.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('records a breaker opening as an event, and a local rejection without any CLIENT span', async () => {
    const { rf, transport } = setup({ retry: { maxRetries: 0 } });
    transport.reply(() => ({ status: 500 }));
    await rf(`${A}/1`);
    await rf(`${A}/2`);
    const opening = exporter.getFinishedSpans().find((s) => s.events.some((e) => e.name === 'resilience.breaker.transition'))!;
    expect(opening.events.find((e) => e.name === 'resilience.breaker.transition')!.attributes).toMatchObject({ 'resilience.breaker.to': 'open' });
    exporter.reset();
    await rf(`${A}/3`);
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes).toMatchObject({ 'resilience.outcome': 'rejected', 'resilience.reason': 'circuit-open', 'resilience.attempts': 0 });
  });

  it('does not mark a caller abort as an error', async () => {
    const { rf, transport, clock } = setup();
    transport.reply(() => 'hang');
    const controller = new AbortController();
    const p = rf(`${A}/x`, { signal: controller.signal }).catch(() => undefined);
    await clock.advance(1);
    controller.abort();
    await p;
    const spans = exporter.getFinishedSpans();
    expect(spans.every((s) => s.status.code !== SpanStatusCode.ERROR)).toBe(true);
    expect(spans.find((s) => s.kind === SpanKind.INTERNAL)!.attributes['resilience.outcome']).toBe('aborted');
  });
});
