import { context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { messageOf, reportError } from '../core/report-error.js';
import { redactUrl } from '../core/tracing.js';
import { spanMethod } from './http-method.js';
import { serverAttributes } from './server-attributes.js';
import type { AttemptTrace, CallOutcome, CallTrace, ResilienceReason, TracingPort } from '../core/types.js';

const setter = { set: (carrier: Headers, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
  keys: (carrier: Headers) => [...carrier.keys()],
};

/**
 * What the engine needs from OpenTelemetry, built here so that `resilient-fetch/core` carries no
 * span-building code and no runtime dependency on `@opentelemetry/api`:
 * `createResilientFetch({ tracing: engineTracing(tracer) })`. `redactQueryParams` adds names to
 * the engine's built-in redaction, for engines (the worker's, the page's) whose options the app
 * does not write itself; it costs one more URL parse per call, only when given.
 */
export function engineTracing(tracer: Tracer, redactQueryParams: readonly string[] = [], untraced?: (url: string) => boolean): TracingPort {
  const extra = new Set(redactQueryParams.map((name) => name.toLowerCase()));
  return {
    active: () => context.active(),
    extract: (headers) => propagation.extract(ROOT_CONTEXT, headers, getter),
    startCall: (parent, method, safeUrl) => (untraced?.(safeUrl) === true ? undefined : CallSpan.start(tracer, parent, method, extra.size === 0 ? safeUrl : redactUrl(safeUrl, extra))),
  };
}

/**
 * One call's INTERNAL span and its attempts' CLIENT spans. A tracer that throws is reported once
 * and then left alone for the rest of the call: tracing must never break a call.
 */
class CallSpan implements CallTrace {
  private broken = false;
  /** Why the call failed, when it ended with the upstream's last answer rather than by throwing. */
  private failedFor: ResilienceReason | undefined;

  private constructor(
    private readonly tracer: Tracer,
    private readonly span: Span,
    private readonly context: Context,
    /** The call's URL as spans show it; its attempts go to the same URL. */
    private readonly fullUrl: string,
  ) {}

  static start(tracer: Tracer, parent: Context | undefined, method: string, safeUrl: string): CallSpan | undefined {
    try {
      const from = parent ?? context.active();
      const { name, attributes } = spanMethod(method);
      const span = tracer.startSpan(`resilientFetch ${name}`, { kind: SpanKind.INTERNAL, attributes: { ...attributes, 'url.full': safeUrl } }, from);
      return new CallSpan(tracer, span, trace.setSpan(from, span), safeUrl);
    } catch (error) {
      reportError(error);
      return undefined;
    }
  }

  ids(): { traceId?: string; spanId?: string } {
    const ctx = this.guard(() => this.span.spanContext());
    return ctx === undefined ? {} : { traceId: ctx.traceId, spanId: ctx.spanId };
  }

  event(name: string, attributes: Attributes): void {
    this.guard(() => this.span.addEvent(name, attributes));
  }

  set(attributes: Attributes): void {
    this.guard(() => this.span.setAttributes(attributes));
  }

  outcome(outcome: CallOutcome, reason?: ResilienceReason): void {
    if (outcome === 'failed') this.failedFor = reason;
    this.set(reason === undefined ? { 'resilience.outcome': outcome } : { 'resilience.outcome': outcome, 'resilience.reason': reason });
  }

  startAttempt(method: string, url: string, _safeUrl: string, resend: number): AttemptTrace | undefined {
    const span = this.guard(() => startAttemptSpan(this.tracer, this.context, method, url, this.fullUrl, resend));
    if (span === undefined) return undefined;
    return {
      inject: (headers) => this.guard(() => propagation.inject(trace.setSpan(this.context, span), headers, setter)),
      end: (status, errorType, aborted) => this.guard(() => endAttemptSpan(span, status, errorType, aborted)),
    };
  }

  end(attributes: Attributes, error?: unknown): void {
    this.guard(() => {
      this.span.setAttributes(attributes);
      if (error !== undefined) {
        this.span.setAttributes({ 'resilience.outcome': 'failed', 'error.type': error instanceof Error ? error.name : 'Error' });
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(error) });
      } else if (this.failedFor !== undefined) {
        // Attempts ran out and the caller got the last 5xx: a failure, though nothing was thrown.
        this.span.setAttribute('error.type', this.failedFor);
        this.span.setStatus({ code: SpanStatusCode.ERROR });
      }
      this.span.end();
    });
  }

  private guard<T>(fn: () => T): T | undefined {
    if (this.broken) return undefined;
    try {
      return fn();
    } catch (error) {
      this.broken = true;
      reportError(error);
      return undefined;
    }
  }
}

function startAttemptSpan(tracer: Tracer, parent: Context, method: string, url: string, fullUrl: string, resendCount: number): Span {
  const { name, attributes: methodAttributes } = spanMethod(method);
  const attributes: Attributes = { ...methodAttributes, 'url.full': fullUrl, ...serverAttributes(url) };
  if (resendCount > 0) attributes['http.request.resend_count'] = resendCount;
  return tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
}

/** Ends an attempt span the way the HTTP client conventions say: 4xx/5xx and errors are errors. */
function endAttemptSpan(span: Span, status: number | undefined, errorType: string | undefined, aborted: boolean): void {
  if (aborted) {
    span.addEvent('aborted by caller');
    return span.end();
  }
  if (status !== undefined) span.setAttribute('http.response.status_code', status);
  const type = errorType ?? (status !== undefined && status >= 400 ? String(status) : undefined);
  if (type !== undefined) {
    span.setAttribute('error.type', type);
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
