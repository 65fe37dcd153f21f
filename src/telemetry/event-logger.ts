import { redactedParams, redactUrl } from '../core/tracing.js';
import { reportError } from '../core/report-error.js';
import type { ResilienceEvent } from '../core/types.js';
import { fail, isObject } from '../core/validation.js';
import { redactQuotedUrls } from './redact-quoted-urls.js';

export type LogLevel = 'info' | 'warn' | 'error';

/** One structured log line. Field names are snake_case, like `trace_id`/`span_id` in the OTel log data model. */
export interface LogRecord {
  /** When the event happened (the event's own time, not when it was logged), ISO 8601. */
  ts: string;
  level: LogLevel;
  /** Short and stable, for grouping: `breaker open`, `retry`, `rejected`, `fallback`, `failed`, ... */
  msg: string;
  /** Absent when no serviceName was given. */
  service?: string;
  origin?: string;
  /** The `ResilienceEvent` type. */
  event: ResilienceEvent['type'];
  /** Present when the event happened inside a traced call: join logs and traces on these. */
  trace_id?: string;
  span_id?: string;
  [field: string]: string | number | undefined;
}

/** Receives the JSON line and the record it was made from. */
export type LogSink = (line: string, record: LogRecord) => void;

export interface EventLoggerOptions {
  /** Where each line goes. (the console: `console.error`, `console.warn` or `console.info` by level, with the JSON line) */
  sink?: LogSink;
  /** `service` of every record, to tell the worker's lines from the page's. (none: no `service` field) */
  serviceName?: string;
  /** Query parameters whose values are replaced in logged URLs, added to the engine's built-in list. (none) */
  redactQueryParams?: string[];
}

/**
 * Turns resilience events into one JSON line each: `createResilientFetch({ onEvent: createEventLogger() })`.
 * Warn is for events where the app got less than it asked for (rejected, fallback, failed, a
 * breaker opening, a pause); info for the rest. URLs are redacted like `url.full` in spans, since
 * logs are often kept longer and seen by more people than traces. A sink that throws is isolated
 * and reported (reportError): logging must never break a call.
 */
export function createEventLogger(options: EventLoggerOptions = {}): (event: ResilienceEvent) => void {
  checkLoggerOptions(options);
  const sink = options.sink ?? consoleSink;
  const redacted = redactedParams(options.redactQueryParams);
  return (event) => {
    try {
      const record = toLogRecord(event, options.serviceName, (url) => redactUrl(url, redacted));
      sink(JSON.stringify(record), record);
    } catch (error) {
      reportError(error); // the call goes on; the app's sink bug is the app's to see
    }
  };
}

/**
 * A TypeError naming the field and the value now, rather than a sink that fails on every event
 * (each one reported, none logged). `serviceName` is only printed, so it is not checked: the
 * worker's bundle pays for every byte here (installResilience creates a logger).
 */
function checkLoggerOptions(options: unknown): asserts options is EventLoggerOptions {
  if (!isObject(options)) fail('createEventLogger options', options, 'an object');
  const { sink, redactQueryParams: params } = options;
  if (sink !== undefined && typeof sink !== 'function') fail('sink', sink, 'a function');
  if (params !== undefined && !(Array.isArray(params) && params.every((p) => typeof p === 'string'))) fail('redactQueryParams', params, 'an array of strings');
}

type Described = { level: LogLevel; msg: string; fields: Record<string, string | number> };

function toLogRecord(event: ResilienceEvent, service: string | undefined, redact: (url: string) => string): LogRecord {
  const { level, msg, fields } = describeEvent(event, redact);
  const record: LogRecord = {
    ts: new Date(event.at).toISOString(),
    level,
    msg,
    ...(service !== undefined ? { service } : {}),
    ...(event.origin !== undefined ? { origin: event.origin } : {}),
    event: event.type,
    ...fields,
  };
  if ('traceId' in event && event.traceId !== undefined) record.trace_id = event.traceId;
  if ('spanId' in event && event.spanId !== undefined) record.span_id = event.spanId;
  return record;
}

function describeEvent(event: ResilienceEvent, redact: (url: string) => string): Described {
  switch (event.type) {
    case 'breaker':
      return {
        level: event.to === 'open' ? 'warn' : 'info',
        msg: `breaker ${event.to}`,
        fields: { from: event.from, to: event.to, ...(event.openUntil !== undefined ? { open_until: new Date(event.openUntil).toISOString() } : {}) },
      };
    case 'retry':
      return { level: 'info', msg: 'retry', fields: { url: redact(event.url), attempt: event.attempt, delay_ms: event.delayMs, cause: event.cause } };
    case 'rejected':
      return { level: 'warn', msg: 'rejected', fields: { url: redact(event.url), reason: event.reason } };
    case 'fallback':
      return { level: 'warn', msg: 'fallback', fields: { url: redact(event.url), reason: event.reason, age_ms: event.ageMs } };
    case 'failed':
      return { level: 'warn', msg: 'failed', fields: { url: redact(event.url), reason: event.reason, attempts: event.attempts } };
    case 'paused':
      return { level: 'warn', msg: 'paused', fields: { until: new Date(event.until).toISOString() } };
    case 'evicted':
      return { level: 'info', msg: 'evicted', fields: {} };
    case 'refreshed':
      return { level: 'info', msg: 'refreshed', fields: { url: redact(event.url), status: event.status } };
    case 'degraded':
      // A fallback handler's error often quotes the request URL.
      return { level: 'error', msg: `degraded: ${event.component}`, fields: { component: event.component, error: redactQuotedUrls(event.message, redact) } };
    default:
      return unknownEvent(event);
  }
}

/** A new event type added to the engine fails type-checking here until it is described. */
function unknownEvent(event: never): Described {
  const type = (event as { type?: unknown }).type;
  return { level: 'info', msg: String(type), fields: {} };
}

function consoleSink(line: string, record: LogRecord): void {
  if (record.level === 'error') console.error(line);
  else if (record.level === 'warn') console.warn(line);
  else console.info(line);
}
