import { OPTIONS_HEADER } from '../core/headers.js';
import type { CallOptions } from '../core/types.js';

/** Headers the page adds for the worker's eyes only; they never reach the upstream. */
const PAGE_ONLY = [OPTIONS_HEADER, 'traceparent', 'tracestate'];

/** What the page sends in the options header: per-call options, and an id to abort the call by. */
export interface WireOptions extends Omit<CallOptions, 'traceContext' | 'throwOnReject'> {
  abortId?: string;
}

/** Per-call options as the page encoded them (JSON); absent or unreadable = none. */
export function readCallOptions(request: Request): WireOptions | undefined {
  const raw = request.headers.get(OPTIONS_HEADER);
  if (raw === null || raw === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as WireOptions) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether our page client sent this request: it always adds the options header, and its
 * `traceparent` only with it (client/handshake.ts). A `traceparent` alone is the app's own (its
 * fetch instrumentation, or the in-page engine propagating upstream) and goes on as it came.
 */
export function carriesPageHeaders(request: Request): boolean {
  return request.headers.has(OPTIONS_HEADER);
}

/**
 * The request as the page made it, minus our headers. Everything else (method, body,
 * credentials, mode, redirect, referrer policy, signal) carries over from the original, the body
 * unread: a Request built from another takes its body over as it is, so only the engine buffers
 * it, within `maxBufferedBodyBytes` (core/request-plan.ts). Read whole here, a 200 MB upload held
 * 202 MB in the worker; now 1.2 MB (Chromium 156, bench/upload-memory.ts).
 */
export function stripPageHeaders(request: Request): Request {
  const headers = new Headers(request.headers);
  for (const name of PAGE_ONLY) headers.delete(name);
  // A Request built with an init resets referrer and referrer policy (Fetch spec), so carry them.
  return new Request(request, { headers, referrer: request.referrer, referrerPolicy: request.referrerPolicy });
}
