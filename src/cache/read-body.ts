import { readWithin } from '../core/read-within.js';
import { STUCK_AFTER_MS } from '../core/within.js';

/**
 * Reads a body into an ArrayBuffer, or returns undefined as soon as it passes `limit` bytes.
 * ArrayBuffer, not Blob, because Safari cannot store Blobs in IndexedDB.
 *
 * Rejects once the body sends nothing for STUCK_AFTER_MS, its read cancelled: the engine stores a
 * clone, one branch of a tee whose source (the connection) is let go only once both branches are,
 * so a caller that cancelled its body behind an upstream stalled mid-body kept the connection
 * open for as long as the upstream did. Each chunk restarts the wait: a slow body that keeps
 * sending is read whole.
 */
export async function readBodyWithin(response: Response, limit: number): Promise<ArrayBuffer | undefined> {
  if (response.bodyUsed) throw new TypeError('The response body was already read; pass put() a clone');
  const body = response.body;
  if (body === null) return new ArrayBuffer(0);

  const reader = body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stalled = false;
  const watched = {
    read() {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        reader.cancel().catch(() => undefined); // the pending read then ends as "done"
      }, STUCK_AFTER_MS);
      return reader.read();
    },
  } as ReadableStreamDefaultReader<Uint8Array>; // readWithin only reads it
  let read: Awaited<ReturnType<typeof readWithin>>;
  try {
    read = await readWithin(watched, limit);
  } finally {
    clearTimeout(timer);
  }
  if (stalled) throw new Error('body stalled');
  if (read.complete) return read.bytes.buffer;
  await reader.cancel().catch(() => undefined);
  return undefined;
}
