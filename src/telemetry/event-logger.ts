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

/** Events where the app got less than it asked for (a breaker opening is judged by its `to`). */
const WARNS: ReadonlySet<string> = new Set(['rejected', 'fallback', 'failed', 'paused']);

/** Fields every record carries first, under its own name (`ts`, `origin`, `event`), not among the event's own. */
const COMMON: ReadonlySet<string> = new Set(['type', 'at', 'origin']);

/**
 * The record of an event: its own fields in the order the event has them, snake_case (so
 * `traceId` is the OTel log data model's `trace_id`), with URLs redacted and instants as ISO
 * 8601. One rule for every event type, rather than a case per type that repeated it (the
 * worker's bundle pays for each byte here).
 */
function toLogRecord(event: ResilienceEvent, service: string | undefined, redact: (url: string) => string): LogRecord {
  const { type } = event;
  const to = type === 'breaker' ? event.to : undefined;
  const record: LogRecord = {
    ts: new Date(event.at).toISOString(),
    level: type === 'degraded' ? 'error' : WARNS.has(type) || to === 'open' ? 'warn' : 'info',
    msg: to !== undefined ? `breaker ${to}` : type === 'degraded' ? `degraded: ${event.component}` : type,
    ...(service !== undefined ? { service } : {}),
    ...(event.origin !== undefined ? { origin: event.origin } : {}),
    event: type,
  };
  for (const [key, value] of Object.entries(event) as [string, string | number | undefined][]) {
    if (value === undefined || COMMON.has(key)) continue;
    if (key === 'url') record.url = redact(value as string);
    else if (key === 'until' || key === 'openUntil') record[snakeCase(key)] = new Date(value).toISOString();
    // A fallback handler's error often quotes the request URL.
    else if (key === 'message') record.error = redactQuotedUrls(value as string, redact);
    else record[snakeCase(key)] = value;
  }
  return record; // traceId and spanId come last in every event (Call.traceIds()): trace_id, span_id
}

/** `delayMs` → `delay_ms`, as the OTel log data model names fields. */
function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`);
}

/** The console method named by the level: `console.error`, `console.warn` or `console.info`. */
function consoleSink(line: string, record: LogRecord): void {
  console[record.level](line);
}
