import { planRequest } from '../../core/request-plan.js';

/**
 * A write's body as the outbox keeps it: read once, from a clone, up to `maxBytes`. Undefined
 * when it is larger, as the outbox could never keep it: the write then goes on once with its body
 * unread, so a 200 MB upload is not held in the worker first (the engine's own buffering, read
 * the same way, is what request-plan.ts bounds; Firefox, which has no Request body, reads a Blob).
 */
export async function bodyWithin(request: Request, maxBytes: number): Promise<ArrayBuffer | undefined> {
  const plan = await planRequest(request, undefined, true, true, maxBytes);
  if (!plan.replayable) return undefined;
  const body = plan.body;
  if (body === undefined) return new ArrayBuffer(0);
  if (body instanceof Blob) return body.arrayBuffer();
  return (body as Uint8Array<ArrayBuffer>).buffer; // readWithin's own copy, exactly the body's size
}
