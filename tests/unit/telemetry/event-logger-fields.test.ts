// The logger derives each record's fields from the event by one rule (event-logger.ts). Before, a
// case per event type listed them; that list is kept here as the oracle, so a change to the rule
// or to an event's shape that alters a log line fails here. fast-check generates events of every
// type (PROPERTY_RUNS=N for a longer hunt).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactedParams, redactUrl } from '../../../src/core/tracing.js';
import type { ResilienceEvent } from '../../../src/core/types.js';
import { createEventLogger } from '../../../src/telemetry/event-logger.js';
import { redactQuotedUrls } from '../../../src/telemetry/redact-quoted-urls.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const iso = (at: number) => new Date(at).toISOString();

/** The per-type description the logger had: [level, msg, fields in order]. */
function oracle(event: ResilienceEvent, redact: (url: string) => string): [string, string, Record<string, string | number>] {
  switch (event.type) {
    case 'breaker':
      return [event.to === 'open' ? 'warn' : 'info', `breaker ${event.to}`, { from: event.from, to: event.to, ...(event.openUntil !== undefined ? { open_until: iso(event.openUntil) } : {}) }];
    case 'retry':
      return ['info', 'retry', { url: redact(event.url), attempt: event.attempt, delay_ms: event.delayMs, cause: event.cause }];
    case 'rejected':
      return ['warn', 'rejected', { url: redact(event.url), reason: event.reason }];
    case 'fallback':
      return ['warn', 'fallback', { url: redact(event.url), reason: event.reason, age_ms: event.ageMs }];
    case 'failed':
      return ['warn', 'failed', { url: redact(event.url), reason: event.reason, attempts: event.attempts }];
    case 'paused':
      return ['warn', 'paused', { until: iso(event.until) }];
    case 'evicted':
      return ['info', 'evicted', {}];
    case 'refreshed':
      return ['info', 'refreshed', { url: redact(event.url), status: event.status }];
    case 'degraded':
      return ['error', `degraded: ${event.component}`, { component: event.component, error: redactQuotedUrls(event.message, redact) }];
  }
}

function expectedLine(event: ResilienceEvent, service: string | undefined): string {
  const redacted = redactedParams();
  const [level, msg, fields] = oracle(event, (url) => redactUrl(url, redacted));
  const ids = event as { traceId?: string; spanId?: string };
  return JSON.stringify({
    ts: iso(event.at),
    level,
    msg,
    ...(service !== undefined ? { service } : {}),
    ...(event.origin !== undefined ? { origin: event.origin } : {}),
    event: event.type,
    ...fields,
    ...(ids.traceId !== undefined ? { trace_id: ids.traceId } : {}),
    ...(ids.spanId !== undefined ? { span_id: ids.spanId } : {}),
  });
}

const at = fc.integer({ min: 0, max: 4e12 });
const origin = fc.webUrl();
const url = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.constant('https://u:p@a.test/x?token=1&q=2'));
const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 1 });
/** As the engine emits them: a traced call's ids come last (Call.traceIds() is spread last). */
const withIds = <T extends object>(event: fc.Arbitrary<T>) =>
  fc.tuple(event, fc.option(hex, { nil: undefined }), fc.option(hex, { nil: undefined })).map(([e, traceId, spanId]) => ({ ...e, ...(traceId !== undefined ? { traceId } : {}), ...(spanId !== undefined ? { spanId } : {}) }));
const state = fc.constantFrom('closed' as const, 'open' as const, 'half-open' as const);
const events: fc.Arbitrary<ResilienceEvent> = fc.oneof(
  fc.record({ type: fc.constant('breaker' as const), origin, at, from: state, to: state, openUntil: at }, { requiredKeys: ['type', 'origin', 'at', 'from', 'to'] }),
  withIds(fc.record({ type: fc.constant('retry' as const), origin, at, url, attempt: fc.nat(), delayMs: fc.double({ noNaN: true, min: 0 }), cause: fc.string() })),
  withIds(fc.record({ type: fc.constant('rejected' as const), origin, at, url, reason: fc.constantFrom('circuit-open' as const, 'offline' as const, 'throttled' as const) })),
  withIds(fc.record({ type: fc.constant('fallback' as const), origin, at, url, reason: fc.constantFrom('timeout' as const, 'slow' as const), ageMs: fc.nat() })),
  withIds(fc.record({ type: fc.constant('failed' as const), origin, at, url, reason: fc.constantFrom('timeout' as const, 'upstream-error' as const), attempts: fc.nat() })),
  fc.record({ type: fc.constant('paused' as const), origin, at, until: at }),
  fc.record({ type: fc.constant('evicted' as const), origin, at }),
  fc.record({ type: fc.constant('refreshed' as const), origin, at, url, status: fc.integer({ min: 200, max: 599 }) }),
  fc.record(
    { type: fc.constant('degraded' as const), origin, at, component: fc.constantFrom('cache' as const, 'outbox' as const, 'fallback-handler' as const), message: fc.oneof(fc.string(), url.map((u) => `no offline page for ${u}: not cached`)) },
    { requiredKeys: ['type', 'at', 'component', 'message'] },
  ),
);

describe('createEventLogger fields', () => {
  it('writes for every event type the line its per-type description gave', () => {
    fc.assert(
      fc.property(events, fc.option(fc.string(), { nil: undefined }), (event, serviceName) => {
        const lines: string[] = [];
        createEventLogger({ serviceName, sink: (line) => lines.push(line) })(event);
        expect(lines).toEqual([expectedLine(event, serviceName)]);
      }),
      { numRuns: RUNS },
    );
  });
});
