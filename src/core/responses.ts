import { ATTEMPTS, FINAL_URL, REASON, SOURCE, TRACE_ID } from './headers.js';
import type { ResilienceReason, ResponseSource } from './types.js';

export interface Annotation {
  source: ResponseSource;
  reason?: ResilienceReason;
  attempts: number;
  traceId?: string;
  ageSeconds?: number;
}

/**
 * A copy of `response` carrying the resilience metadata. Network responses have immutable
 * headers, so this wraps the same body stream in a new Response (no bytes are copied).
 */
export function annotate(response: Response, note: Annotation): Response {
  // An opaque or error response (status 0) cannot be rebuilt (Response allows 200–599): it goes
  // on as the network gave it, unannotated.
  if (response.status < 200 || response.status > 599) return response;
  const headers = new Headers(response.headers);
  headers.set(SOURCE, note.source);
  headers.set(ATTEMPTS, String(note.attempts));
  if (note.reason !== undefined) headers.set(REASON, note.reason);
  if (note.traceId !== undefined) headers.set(TRACE_ID, note.traceId);
  if (note.ageSeconds !== undefined) headers.set('Age', String(note.ageSeconds));
  return withUrlOf(new Response(withoutBody(response.status) ? null : response.body, { status: response.status, statusText: response.statusText, headers }), response);
}

/**
 * Gives a Response we built the `url` and `redirected` of the answer it stands for, as fetch
 * reported them: `new Response` has no URL list (url '', redirected false), and after a retry a
 * 302'd call read as if it had not been redirected. Own properties, as fetch's are read-only
 * getters. A worker's Response keeps no own property across respondWith, so a redirected one
 * also names its final URL in a header, which our page client applies (FINAL_URL).
 */
export function withUrlOf(built: Response, answer: { url: string; redirected: boolean }): Response {
  if (answer.url === '') return built;
  Object.defineProperties(built, { url: { value: answer.url }, redirected: { value: answer.redirected } });
  if (answer.redirected) built.headers.set(FINAL_URL, answer.url);
  return built;
}

/**
 * A 204, 205 or 304 from the network still has a body stream (an empty one) in Chromium, Firefox
 * and WebKit, and `new Response` refuses any body with these statuses: a DELETE answered 204
 * after a retry threw a TypeError, though the server had applied it.
 */
function withoutBody(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

/** The 503 built last: in an outage, rejection after rejection asks for the same one (a new one at most once a second, as Retry-After counts down). */
let last: { reason: ResilienceReason; retryAfter: number; attempts: number; built: Response } | undefined;

/**
 * The 503 a local rejection resolves with when no stored response can stand in. Everything a
 * caller needs is in the headers (read them with describeResponse); it has no body, because
 * building one costs more than the whole rejection (a stream per body in Node's fetch). Each is a
 * clone of the last one built: in an outage every call is a rejection, and in Chromium a
 * clone costs 0.76 µs against 1.9 µs to build one and set its headers (bench:primitives; Node
 * 1.27 against 1.42). A clone's headers are its own, so the trace id is set on it.
 */
export function syntheticResponse(
  reason: ResilienceReason,
  retryAfterMs: number | undefined,
  attempts: number,
  traceId: string | undefined,
): Response {
  const retryAfter = retryAfterSeconds(retryAfterMs);
  if (last === undefined || last.reason !== reason || last.retryAfter !== retryAfter || last.attempts !== attempts) {
    last = { reason, retryAfter, attempts, built: builtSynthetic(reason, retryAfter, attempts) };
  }
  const response = last.built.clone();
  if (traceId !== undefined) response.headers.set(TRACE_ID, traceId);
  return response;
}

/** A synthetic answer's `Retry-After`: whole seconds, rounded up, at least 1; 0 for none. */
export function retryAfterSeconds(retryAfterMs: number | undefined): number {
  return retryAfterMs === undefined ? 0 : Math.max(1, Math.ceil(retryAfterMs / 1000));
}

function builtSynthetic(reason: ResilienceReason, retryAfter: number, attempts: number): Response {
  const built = new Response(null, { status: 503, statusText: 'Service Unavailable' });
  const headers = built.headers;
  headers.set('Cache-Control', 'no-store');
  headers.set(SOURCE, 'synthetic');
  headers.set(REASON, reason);
  // None for a rejection that sent nothing (describeResponse reads 0): every rejection clones this
  // Response, and in Chromium each header adds ~0.1 µs to a clone of ~0.4 µs (1,000 clones, best of 20).
  if (attempts > 0) headers.set(ATTEMPTS, String(attempts));
  if (retryAfter > 0) headers.set('Retry-After', String(retryAfter));
  return built;
}

/**
 * Lets go of a body nobody will read, so its connection is freed; and when it is one branch of a
 * tee'd stream (a clone), so the other branch's reads are not buffered for it.
 */
export function cancelBody(response: Response): void {
  void response.body?.cancel().catch(() => undefined);
}
