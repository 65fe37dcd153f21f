import type { Context } from '@opentelemetry/api';
import type { TracingPort } from '../core/types.js';

/** The page's span for one call the worker runs; ended once, with the response or the error. */
export interface PageCallSpan {
  end(response: Response | undefined, error?: unknown): void;
}

/**
 * What the page client needs from tracing, registered by `setupPageTracing`. The client reads it
 * here instead of importing `@opentelemetry/api`, so an app that does not trace ships no OTel
 * code and sends no `traceparent`. Type imports only: this file costs the page nothing.
 */
export interface PageTraceHook {
  /** Starts the page's CLIENT span for a call and writes its `traceparent` into `headers`. */
  startCall(method: string, url: string, headers: Headers, parent: Context | undefined): PageCallSpan;
  /** For the in-page engine, when no worker of ours controls the page. */
  tracing: TracingPort;
  /** Whether a request from the in-page engine to `url` may carry `traceparent`. */
  propagate(url: URL): boolean;
}

let current: PageTraceHook | undefined;

export function setPageTraceHook(hook: PageTraceHook | undefined): void {
  current = hook;
}

export function pageTraceHook(): PageTraceHook | undefined {
  return current;
}
