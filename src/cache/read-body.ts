import { concatBytes } from '../core/concat-bytes.js';

/**
 * Reads a body into an ArrayBuffer, or returns undefined as soon as it passes `limit` bytes.
 * Streaming with a cap, rather than `arrayBuffer()`, means a huge body without Content-Length is
 * abandoned at the limit instead of being buffered whole just to be thrown away.
 * ArrayBuffer, not Blob, because Safari cannot store Blobs in IndexedDB.
 */
export async function readBodyWithin(response: Response, limit: number): Promise<ArrayBuffer | undefined> {
  if (response.bodyUsed) throw new TypeError('The response body was already read; pass put() a clone');
  const body = response.body;
  if (body === null) return new ArrayBuffer(0);

  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }

  return concatBytes(chunks, size).buffer;
}

/**
 * Releases a body we decided not to read. The caller handed us a clone; an unread branch of a
 * tee'd stream would otherwise keep buffering everything the other branch reads.
 */
export function discardBody(response: Response): void {
  if (response.body === null || response.bodyUsed) return;
  response.body.cancel().catch(() => undefined);
}
