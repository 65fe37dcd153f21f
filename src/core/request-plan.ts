import { isIdempotentMethod } from './classify.js';
import { readWithin } from './read-within.js';

/** How one call will be sent, attempt after attempt. */
export interface RequestPlan {
  input: RequestInfo | URL;
  init: RequestInit | undefined;
  method: string;
  /** May be sent more than once: idempotent, or the caller said so. */
  replayable: boolean;
  /** A body read once so each attempt sends the same bytes (set only when we had to buffer). */
  body?: BodyInit;
  headers?: Headers;
}

/**
 * Decides whether a call may be retried and, if its body is a one-shot stream, buffers it once
 * (up to `maxBodyBytes`) so every attempt replays it byte for byte. A body over the limit, or
 * a ReadableStream the caller handed us, is sent once and never retried.
 */
export function planRequest(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  allowRetry: boolean,
  idempotentOverride: boolean | undefined,
  maxBodyBytes: number,
): RequestPlan | Promise<RequestPlan> {
  const request = typeof input === 'object' && 'method' in input ? input : undefined;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  // fetch(request, init) with any init resets the request's referrer and referrer policy (Fetch
  // spec); every attempt passes an init (its signal), so carry them over unless the caller set them.
  if (request !== undefined) init = { referrer: request.referrer, referrerPolicy: request.referrerPolicy, ...init };
  const plan: RequestPlan = { input, init, method, replayable: false };
  if (!allowRetry || !mayRetry(method, request, init, idempotentOverride)) return plan;

  const initBody = init?.body;
  if (initBody !== undefined && initBody !== null) {
    if (typeof ReadableStream !== 'undefined' && initBody instanceof ReadableStream) return plan;
    plan.replayable = true;
    if (typeof FormData !== 'undefined' && initBody instanceof FormData) return freezeFormData(plan, initBody);
    return plan; // strings, buffers, Blobs and URLSearchParams replay as they are
  }
  if (request?.body) return bufferRequestBody(plan, request.body, maxBodyBytes);
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
 * Buffers a request body up to `limit` so it can be replayed. Past the limit the request still
 * goes out whole, once: a stream replays what was read and then the rest.
 */
async function bufferRequestBody(plan: RequestPlan, body: ReadableStream<Uint8Array>, limit: number): Promise<RequestPlan> {
  const read = await readWithin(body, limit);
  if (!read.complete) {
    plan.body = replay(read.chunks, read.rest);
    return plan;
  }
  plan.body = read.bytes;
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
  return headers?.has('idempotency-key') ?? false;
}

function replay(chunks: Uint8Array[], rest: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = chunks.shift();
      if (next !== undefined) return controller.enqueue(next);
      const { done, value } = await rest.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return rest.cancel(reason);
    },
  });
}
