// Loads zone.js (through @opentelemetry/context-zone), which patches this test worker's globals:
// kept in its own file so no other test runs with patched Promise/timers.
import { context, propagation, trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { pageTraceHook } from '../../../src/telemetry/page-trace-hook.js';
import { setupPageTracing } from '../../../src/telemetry/page-tracing.js';
import { FakeExporter } from './fake-exporter.js';

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('setupPageTracing (Node smoke test; the browser behaviour is covered end to end)', () => {
  it('constructs without browser globals and registers provider, zone context manager and W3C propagator', async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'shop-web', endpoint: 'https://collector.test/v1/traces', propagateTo: [/^https:\/\/api\.test\//], exporter });
    expect(tracing.endpoint).toBe('https://collector.test/v1/traces');
    expect(tracing.propagate(new URL('https://api.test/x'))).toBe(true);
    expect(tracing.propagate(new URL('https://other.test/x'))).toBe(false);

    const span = tracing.tracer.startSpan('click');
    // The zone context manager carries the active span into callbacks scheduled inside `with`.
    const seen = await new Promise<string | undefined>((resolve) =>
      context.with(trace.setSpan(context.active(), span), () => setTimeout(() => resolve(trace.getActiveSpan()?.spanContext().spanId), 0)),
    );
    expect(seen).toBe(span.spanContext().spanId);

    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers);
    expect(headers['traceparent']).toContain(span.spanContext().traceId);
    span.end();

    await tracing.flush();
    expect(exporter.exportedSpans.map((s) => s.name)).toEqual(['click']);
    expect(exporter.exportedSpans[0]!.resource.attributes['service.name']).toBe('shop-web');
    expect(trace.getTracerProvider()).toBeDefined();
    await tracing.shutdown();
    expect(exporter.shutdowns).toBe(1);
  });

  it('flush and shutdown never reject, even when the exporter fails', async () => {
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter: new FakeExporter('throw'), exportTimeoutMillis: 100 });
    tracing.tracer.startSpan('x').end();
    await expect(tracing.flush()).resolves.toBeUndefined();
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });

  it("the page's CLIENT span shows the URL without credentials or secret query values, like the worker's spans", async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter });
    const hook = pageTraceHook()!;
    hook.startCall('GET', 'https://ann:hunter2@api.test/orders?Token=t1&id=7&api_key=k1&api_key=k2#frag', new Headers(), undefined).end(new Response('ok'));
    await tracing.flush();
    const url = String(exporter.exportedSpans[0]!.attributes['url.full']);
    expect(url).not.toMatch(/ann|hunter2|t1|k1|k2/);
    expect(url).toBe('https://REDACTED:REDACTED@api.test/orders?Token=REDACTED&id=7&api_key=REDACTED');
    await tracing.shutdown();
  });

  it("the page's CLIENT span names an unknown method _OTHER, as the worker's spans do", async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter });
    pageTraceHook()!.startCall('PROPFIND', 'https://dav.test/files/', new Headers(), undefined).end(new Response('ok'));
    await tracing.flush();
    const span = exporter.exportedSpans[0]!;
    expect([span.name, span.attributes['http.request.method'], span.attributes['http.request.method_original']]).toEqual(['HTTP', '_OTHER', 'PROPFIND']);
    await tracing.shutdown();
  });

  it("the page's CLIENT span follows the HTTP client conventions: server.address/port, and a 4xx/5xx answer is an error", async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter });
    const hook = pageTraceHook()!;
    hook.startCall('GET', 'https://api.test:8443/missing', new Headers(), undefined).end(new Response('', { status: 404 }));
    hook.startCall('GET', 'http://api.test/ok', new Headers(), undefined).end(new Response('ok'));
    await tracing.flush();
    const [missing, ok] = exporter.exportedSpans;
    expect(missing!.attributes).toMatchObject({ 'server.address': 'api.test', 'server.port': 8443, 'http.response.status_code': 404, 'error.type': '404' });
    expect(missing!.status.code).toBe(SpanStatusCode.ERROR);
    expect(ok!.attributes).toMatchObject({ 'server.address': 'api.test', 'server.port': 80, 'http.response.status_code': 200 });
    expect(ok!.status.code).toBe(SpanStatusCode.UNSET);
    await tracing.shutdown();
  });

  it('refuses bad options with a TypeError naming the field and the value, before tracing anything', () => {
    const endpoint = 'https://collector.test/v1/traces';
    expect(() => setupPageTracing({ serviceName: 'web', endpoint, exportTimeoutMillis: Infinity })).toThrow(/exportTimeoutMillis must be .*got Infinity/);
    expect(() => setupPageTracing({ serviceName: 'web', endpoint, scheduledDelayMillis: -1 })).toThrow(/scheduledDelayMillis must be .*got -1/);
    expect(() => setupPageTracing({ serviceName: 'web', endpoint, propagateTo: [new URL('https://api.test')] as never })).toThrow(/propagateTo\[0\] must be .*got "https:\/\/api\.test\/"/);
    expect(() => setupPageTracing({ serviceName: 'web', endpoint, maxQueueSize: 0 })).toThrow(/maxQueueSize must be .*got 0/);
    expect(() => setupPageTracing({ serviceName: undefined as never, endpoint })).toThrow(/serviceName must be a non-empty string, got undefined/);
    expect(pageTraceHook()).toBeUndefined();
  });

  it("the page's CLIENT span records an error message quoting the URL redacted", async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter });
    const url = 'https://ann:hunter2@api.test/x?token=t1';
    pageTraceHook()!.startCall('GET', url, new Headers(), undefined).end(undefined, new TypeError(`Failed to execute 'fetch' on 'Window': Request cannot be constructed from a URL that includes credentials: ${url}`));
    await tracing.flush();
    const message = exporter.exportedSpans[0]!.status.message ?? '';
    expect(message).toContain('https://REDACTED:REDACTED@api.test/x?token=REDACTED');
    expect(message).not.toMatch(/ann:|hunter2|t1/);
    await tracing.shutdown();
  });

  it('redactQueryParams adds the app\'s own secret names to the page span\'s redaction', async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter, redactQueryParams: ['sid'] });
    pageTraceHook()!.startCall('GET', 'https://api.test/x?Sid=s1&q=1', new Headers(), undefined).end(new Response('ok'));
    await tracing.flush();
    expect(exporter.exportedSpans[0]!.attributes['url.full']).toBe('https://api.test/x?Sid=REDACTED&q=1');
    await tracing.shutdown();
  });

  it("the exporter's own POSTs are not traced when an app routes them through resilientFetch (window.fetch swapped): no span per export, exported by the next export, forever", async () => {
    const exporter = new FakeExporter();
    const tracing = setupPageTracing({ serviceName: 'web', endpoint: 'https://collector.test/v1/traces', exporter });
    const hook = pageTraceHook()!;
    const headers = new Headers();
    hook.startCall('POST', 'https://collector.test/v1/traces', headers, undefined).end(new Response(null, { status: 200 }));
    expect(headers.has('traceparent')).toBe(false);
    // The in-page engine (no worker of ours) asks the same hook.
    expect(hook.tracing.startCall(undefined, 'POST', 'https://collector.test/v1/traces')).toBeUndefined();
    expect(hook.propagate(new URL('https://collector.test/v1/traces'))).toBe(false);
    // Other calls are traced as before.
    hook.startCall('GET', 'https://api.test/x', new Headers(), undefined).end(new Response('ok'));
    await tracing.flush();
    expect(exporter.exportedSpans.map((s) => s.attributes['url.full'])).toEqual(['https://api.test/x']);
    await tracing.shutdown();
  });
});
