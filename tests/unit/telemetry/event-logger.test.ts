import { engineTracing } from '../../../src/telemetry/engine-tracing.js';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createResilientFetch } from '../../../src/core/create-resilient-fetch.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { createEventLogger, type LogRecord } from '../../../src/telemetry/event-logger.js';

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const AT = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function capture(serviceName?: string) {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const log = createEventLogger({ serviceName, sink: (line, record) => (lines.push(line), records.push(record)) });
  return { log, lines, records };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createEventLogger', () => {
  it('writes one JSON line per event carrying trace_id and span_id', () => {
    const { log, lines } = capture('shop-sw');
    log({ type: 'retry', origin: 'https://api.test', at: AT, url: 'https://api.test/items', attempt: 1, delayMs: 250, cause: '503', traceId: TRACE, spanId: SPAN });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: '2025-01-02T03:04:05.678Z',
      level: 'info',
      msg: 'retry',
      service: 'shop-sw',
      origin: 'https://api.test',
      event: 'retry',
      url: 'https://api.test/items',
      attempt: 1,
      delay_ms: 250,
      cause: '503',
      trace_id: TRACE,
      span_id: SPAN,
    });
  });

  it('names and levels each event type; ids are absent when the event has none', () => {
    const { log, records } = capture();
    const events: ResilienceEvent[] = [
      { type: 'breaker', origin: 'https://a.test', at: AT, from: 'closed', to: 'open', openUntil: AT + 1000 },
      { type: 'breaker', origin: 'https://a.test', at: AT, from: 'open', to: 'half-open' },
      { type: 'rejected', origin: 'https://a.test', at: AT, url: 'https://a.test/x', reason: 'circuit-open', traceId: TRACE, spanId: SPAN },
      { type: 'fallback', origin: 'https://a.test', at: AT, url: 'https://a.test/x', reason: 'timeout', ageMs: 1500 },
      { type: 'failed', origin: 'https://a.test', at: AT, url: 'https://a.test/x', reason: 'budget-exhausted', attempts: 3 },
      { type: 'paused', origin: 'https://a.test', at: AT, until: AT + 60_000 },
      { type: 'evicted', origin: 'https://a.test', at: AT },
    ];
    events.forEach(log);
    expect(records.map((r) => [r.msg, r.level])).toEqual([
      ['breaker open', 'warn'],
      ['breaker half-open', 'info'],
      ['rejected', 'warn'],
      ['fallback', 'warn'],
      ['failed', 'warn'],
      ['paused', 'warn'],
      ['evicted', 'info'],
    ]);
    expect(records[0]).toMatchObject({ from: 'closed', to: 'open', open_until: '2025-01-02T03:04:06.678Z' });
    expect(records[0]).not.toHaveProperty('trace_id');
    expect(records[0]).not.toHaveProperty('service');
    expect(records[2]).toMatchObject({ reason: 'circuit-open', trace_id: TRACE, span_id: SPAN });
    expect(records[3]).toMatchObject({ reason: 'timeout', age_ms: 1500 });
    expect(records[3]).not.toHaveProperty('span_id');
    expect(records[4]).toMatchObject({ reason: 'budget-exhausted', attempts: 3 });
  });

  it('redacts secrets in logged URLs', () => {
    const log = createEventLogger({ redactQueryParams: ['X-Session'], sink: (_line, record) => records.push(record) });
    const records: LogRecord[] = [];
    log({ type: 'rejected', origin: 'https://a.test', at: AT, url: 'https://user:pw@a.test/x?token=abc&x-session=s&q=1', reason: 'queue-full' });
    expect(records[0]!.url).toBe('https://REDACTED:REDACTED@a.test/x?token=REDACTED&x-session=REDACTED&q=1');
  });

  it('redacts URLs quoted in a degraded message (a fallback handler that threw with the request URL)', () => {
    const records: LogRecord[] = [];
    const log = createEventLogger({ redactQueryParams: ['sid'], sink: (_line, record) => records.push(record) });
    log({ type: 'degraded', origin: 'https://a.test', at: AT, component: 'fallback-handler', message: 'no offline page for https://ann:pw@a.test/x?token=t1&sid=s1&q=1: not cached' });
    expect(records[0]!.error).toBe('no offline page for https://REDACTED:REDACTED@a.test/x?token=REDACTED&sid=REDACTED&q=1: not cached');
  });

  it('defaults to console.warn / console.info with the JSON line', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const log = createEventLogger();
    log({ type: 'failed', origin: 'https://a.test', at: AT, url: 'https://a.test/', reason: 'timeout', attempts: 1 });
    log({ type: 'evicted', origin: 'https://a.test', at: AT });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(JSON.parse(String(warn.mock.calls[0]![0]))).toMatchObject({ msg: 'failed', level: 'warn' });
    expect(info).toHaveBeenCalledTimes(1);
  });

  it('a sink that throws never reaches the caller, and the app sees its error (reportError)', () => {
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const log = createEventLogger({
      sink: () => {
        throw new Error('disk full');
      },
    });
    expect(() => log({ type: 'evicted', origin: 'https://a.test', at: AT })).not.toThrow();
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'disk full' }));
    vi.unstubAllGlobals();
  });

  it('with the engine, the logged ids are those of the call span', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('t');
    const { log, records } = capture('svc');
    const rf = createResilientFetch({
      fetch: () => Promise.resolve(new Response(null, { status: 503 })),
      tracing: engineTracing(tracer),
      onEvent: log,
      policy: { defaults: { retry: { maxRetries: 0 }, fallback: 'none' } },
    });
    await rf('https://api.test/items');
    const withIds = records.filter((r) => r.trace_id !== undefined);
    expect(withIds.length).toBeGreaterThan(0);
    const spans = exporter.getFinishedSpans();
    for (const record of withIds) {
      const span = spans.find((s) => s.spanContext().spanId === record.span_id);
      expect(span?.spanContext().traceId).toBe(record.trace_id);
    }
  });
});
