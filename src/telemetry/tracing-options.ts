import { MAX_TIMER_MS } from '../core/max-timer.js';
import { anything, checkFields, fail, integer, isObject, optional, rejectUnknownKeys, rule, type Rule } from '../core/validation.js';
import { assertPropagateTo } from './propagate-to.js';

const count = optional(integer(1));
const ms = (min: number): Rule => optional(rule((v) => typeof v === 'number' && v >= min && v <= MAX_TIMER_MS, `a number of ms from ${min} to ${MAX_TIMER_MS}`));

const COMMON_FIELDS: Record<string, Rule> = {
  serviceName: rule((v) => typeof v === 'string' && v.trim() !== '', 'a non-empty string'),
  // A URL object worked before this check (resolveEndpoint parses it), so it still does.
  endpoint: rule((v) => typeof v === 'string' || v instanceof URL, 'a URL string'),
  resourceAttributes: optional(rule(isObject, 'an object')),
  maxQueueSize: count,
  maxExportBatchSize: count,
  exportTimeoutMillis: ms(1),
  redactQueryParams: optional(rule((v) => Array.isArray(v) && v.every((name) => typeof name === 'string'), 'an array of strings')),
  exporter: optional(rule((v) => isObject(v) && typeof v.export === 'function', 'a SpanExporter')),
};

export const WORKER_FIELDS: Record<string, Rule> = {
  ...COMMON_FIELDS,
  minExportIntervalMillis: ms(0),
  ownOrigin: optional(rule((v) => v === null || (typeof v === 'string' && /^https?:/i.test(v) && URL.canParse(v)), 'an http(s) origin or null')),
};

export const PAGE_FIELDS: Record<string, Rule> = { ...COMMON_FIELDS, scheduledDelayMillis: ms(0) };

/**
 * Checks setupWorkerTracing's or setupPageTracing's options before anything is set up: a TypeError
 * names the field and the value. Without it a wrong value surfaced far away: a URL object in
 * `propagateTo` threw on every call, an `exportTimeoutMillis` past a timer's longest wait made
 * every export time out at once. A misspelt field is refused: in a plain-JavaScript worker or page,
 * `propagateToo` sent no `traceparent` and the traces stopped joining, with no word.
 */
export function checkTracingOptions(options: unknown, fields: Record<string, Rule>, what: string): void {
  if (!isObject(options)) fail(`${what} options`, options, 'an object');
  rejectUnknownKeys({ ...fields, propagateTo: anything }, options, '');
  checkFields(fields, options);
  assertPropagateTo(options.propagateTo ?? []);
}
