import type { BufferingPlan } from './buffering.js';
import { isIdempotentMethod } from './classify.js';
import { readWithin } from './read-within.js';

/** How one call will be sent, attempt after attempt. */
export interface RequestPlan {
  input: RequestInfo | URL;
  init: RequestInit | undefined;
  method: string;
  /** May be sent more than once: idempotent, or the caller said so. */
  replayable: boolean;
  /** A body read once so each attempt sends the same bytes (set only when we had to buffer): bytes, or a Blob where Request has no `body` (Firefox). */
  body?: BodyInit;
  headers?: Headers;
  /** Made with `redirect: 'error'`, sent with 'manual': a redirect rejects the call, sent once (refused-redirect.ts). */
  refusesRedirects?: boolean;
}

/**
 * Decides whether a call may be retried and, if its body is one-shot, buffers it once (up to
 * `maxBodyBytes`) so every attempt replays it byte for byte. A body over the limit, or a
 * ReadableStream the caller handed us, is sent once and never retried.
 */
export function planRequest(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  allowRetry: boolean,
  idempotentOverride: boolean | undefined,
  maxBodyBytes: number,
  leaveUsed = false,
): RequestPlan | BufferingPlan {
  const request = typeof input === 'object' && 'method' in input ? input : undefined;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  // fetch(request, init) with any init resets the request's referrer and referrer policy (Fetch
  // spec); every attempt passes an init (its signal), so carry them over unless the caller set them.
  if (request !== undefined) init = { referrer: request.referrer, referrerPolicy: request.referrerPolicy, ...init };
  const refusesRedirects = (init?.redirect ?? request?.redirect) === 'error';
  if (refusesRedirects) init = { ...init, redirect: 'manual' };
  const plan: RequestPlan = { input, init, method, replayable: false, refusesRedirects };
  if (!allowRetry || !mayRetry(method, request, init, idempotentOverride)) return plan;

  const initBody = init?.body;
  if (initBody !== undefined && initBody !== null) {
    if (typeof ReadableStream !== 'undefined' && initBody instanceof ReadableStream) return plan;
    plan.replayable = true;
    if (typeof FormData !== 'undefined' && initBody instanceof FormData) return freezeFormData(plan, initBody);
    return plan; // strings, buffers, Blobs and URLSearchParams replay as they are
  }
  if (request !== undefined && mayHaveBody(request)) return bufferRequestBody(plan, request, maxBodyBytes, leaveUsed);
  plan.replayable = true;
  return plan;
}

/** FormData picks a new multipart boundary on every send: freeze one serialization. */
async function freezeFormData(plan: RequestPlan, form: FormData): Promise<RequestPlan> {
  const frozen = new Request('http://buffer.invalid/', { method: 'POST', body: form, headers: plan.init?.headers });
  plan.body = await frozen.arrayBuffer();
  plan.headers = frozen.headers;
  return plan;
}

/**
 * Whether a Request carries a body. Firefox has no `Request.prototype.body`: a Request with a body
 * cannot be made a GET (Fetch spec), one without can, and nothing is read to tell. (Judged by
 * method, a DELETE without a body was buffered as an empty Blob and sent with Content-Length: 0.)
 */
function mayHaveBody(request: Request): boolean {
  const body = (request as { body?: ReadableStream | null }).body;
  // A GET or HEAD has none: no throwaway Request for them (every GET the worker handles, in Firefox).
  if (body !== undefined || request.method === 'GET' || request.method === 'HEAD') return !!body;
  try {
    new Request(request, { method: 'GET' });
    return false;
  } catch {
    return true;
  }
}

/**
 * Buffers a Request's body, read from a clone (cancellable: see buffering.ts), up to `limit` bytes
 * so it can be replayed. Past the limit the copy is dropped and the original Request goes out once
 * as it is, its body never held whole by us: a re-sent stream would need a streaming upload
 * (`duplex: 'half'`), which Chromium refuses over HTTP/1.1 and other engines send as
 * "[object ReadableStream]". (A body that came as a stream, a page's `duplex: 'half'` upload,
 * is one: past the limit Chromium refuses it over HTTP/1.1, as it does without us.)
 * With `leaveUsed` (the engine's calls) the caller's Request ends up used either way, as fetch
 * leaves it: read from a clone alone, it stayed unused, and the same Request passed again sent the
 * write again. (Not the outbox's read, bodyWithin: it then builds the write from the original with
 * that body, which the spec allows from a used Request, but which was never checked in Firefox.)
 */
function bufferRequestBody(plan: RequestPlan, request: Request, limit: number, leaveUsed: boolean): RequestPlan | BufferingPlan {
  if (request.bodyUsed) return plan; // refused up front (engine.ts), as fetch refuses it
  if (!(request as { body?: ReadableStream | null }).body) return bufferBlob(plan, request, limit, leaveUsed);
  const reader = request.clone().body!.getReader();
  const original = request.body!; // after clone(): the tee's other branch, which the original now holds
  let stopped = false;
  const read = async (): Promise<RequestPlan> => {
    const read = await readWithin(reader, limit);
    if (stopped) return plan; // cut short (its reads ended as "done"): nobody waits for it now
    if (!read.complete) {
      void read.rest.cancel().catch(() => undefined);
      return plan;
    }
    // Replayed from our bytes: the original is cancelled, which marks it used and drops the
    // chunks the clone's tee kept queued for it.
    if (leaveUsed) original.cancel().catch(() => undefined);
    plan.body = read.bytes;
    plan.replayable = true;
    return plan;
  };
  // The clone tees the caller's stream: its source hears a cancel only once both branches say so.
  return Object.assign(read(), {
    cancel: (reason: unknown) => {
      stopped = true;
      reader.cancel(reason).catch(() => undefined);
      original.cancel(reason).catch(() => undefined);
    },
  });
}

/**
 * No stream to read (Firefox): a Blob, not bytes, which Firefox keeps in a temporary file past
 * 1 MiB (MutableBlobStorage), and whose size we judge without copying it in. Read from a clone:
 * past the limit the original goes out as it is.
 */
async function bufferBlob(plan: RequestPlan, request: Request, limit: number, leaveUsed: boolean): Promise<RequestPlan> {
  const whole = await request.clone().blob();
  if (whole.size > limit) return plan;
  // Replayed from our copy: the original is read too, only to leave it used (Firefox gives no
  // stream to cancel), a second read of at most `limit` bytes.
  if (leaveUsed) request.blob().catch(() => undefined);
  plan.body = whole;
  plan.replayable = true;
  return plan;
}

function mayRetry(
  method: string,
  request: Request | undefined,
  init: RequestInit | undefined,
  idempotentOverride: boolean | undefined,
): boolean {
  if (idempotentOverride !== undefined) return idempotentOverride;
  if (isIdempotentMethod(method)) return true;
  const headers = init?.headers !== undefined ? new Headers(init.headers) : request?.headers;
  // An empty key (Headers trims whitespace) is none: no server can tell a resend by it.
  return !!headers?.get('idempotency-key');
}
