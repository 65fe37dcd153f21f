import { readWithin } from '../core/read-within.js';

/**
 * Reads a body into an ArrayBuffer, or returns undefined as soon as it passes `limit` bytes.
 * ArrayBuffer, not Blob, because Safari cannot store Blobs in IndexedDB.
 */
export async function readBodyWithin(response: Response, limit: number): Promise<ArrayBuffer | undefined> {
  if (response.bodyUsed) throw new TypeError('The response body was already read; pass put() a clone');
  const body = response.body;
  if (body === null) return new ArrayBuffer(0);

  const read = await readWithin(body, limit);
  if (read.complete) return read.bytes.buffer;
  await read.rest.cancel().catch(() => undefined);
  return undefined;
}
