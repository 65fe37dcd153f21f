import type { Attributes, Context, Span } from '@opentelemetry/api';
import { messageOf, reportError } from './report-error.js';
import { STATUS_ERROR, endAttemptSpan, startAttemptSpan, startCallSpan } from './tracing.js';
import type { ResilienceReason, TracingPort } from './types.js';

export type CallOutcome = 'fresh' | 'retried' | 'stale' | 'rejected' | 'failed' | 'aborted' | 'fallback' | 'queued';

/**
 * One call's INTERNAL span and its attempts' CLIENT spans. A tracer that throws is reported once
 * and then left alone for the rest of the call: tracing must never break a call.
 */
export class CallSpan {
  private broken = false;

  private constructor(
    private readonly port: TracingPort,
    private readonly span: Span,
    readonly context: Context,
  ) {}

  static start(port: TracingPort, parent: Context | undefined, method: string, safeUrl: string): CallSpan | undefined {
    try {
      const started = startCallSpan(port, parent ?? port.active(), method, safeUrl);
      return new CallSpan(port, started.span, started.context);
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
    this.set(reason === undefined ? { 'resilience.outcome': outcome } : { 'resilience.outcome': outcome, 'resilience.reason': reason });
  }

  startAttempt(method: string, url: string, safeUrl: string, resend: number): Span | undefined {
    return this.guard(() => startAttemptSpan(this.port, this.context, method, url, safeUrl, resend));
  }

  /** Headers carrying the attempt's trace context. */
  inject(attempt: Span, headers: Headers): void {
    this.guard(() => this.port.inject(this.port.withSpan(this.context, attempt), headers));
  }

  endAttempt(attempt: Span, status: number | undefined, errorType: string | undefined, aborted = false): void {
    this.guard(() => {
      if (aborted) {
        attempt.addEvent('aborted by caller');
        attempt.end();
      } else endAttemptSpan(attempt, status, errorType);
    });
  }

  /** Ends the call span; `error` set means the call threw something other than a verdict. */
  end(attributes: Attributes, error?: unknown): void {
    this.guard(() => {
      this.span.setAttributes(attributes);
      if (error !== undefined) {
        this.span.setAttributes({ 'resilience.outcome': 'failed', 'error.type': error instanceof Error ? error.name : 'Error' });
        this.span.setStatus({ code: STATUS_ERROR, message: messageOf(error) });
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
