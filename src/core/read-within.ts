/** A stream read up to a byte limit: all of it, or what was read before passing the limit. */
export type BoundedRead =
  | { complete: true; bytes: Uint8Array<ArrayBuffer> }
  | { complete: false; chunks: Uint8Array[]; rest: ReadableStreamDefaultReader<Uint8Array> };

/**
 * Reads `body` until it ends or passes `limit` bytes. Streaming with a cap, rather than
 * `arrayBuffer()`, stops a huge body at the limit instead of buffering it whole. Past the limit
 * the caller gets what was read and the reader of the rest, to cancel or to replay.
 */
export async function readWithin(body: ReadableStream<Uint8Array> | ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<BoundedRead> {
  const reader = 'getReader' in body ? body.getReader() : body; // a reader: its owner may cancel it
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) return { complete: false, chunks, rest: reader };
  }
  // Always a copy: a chunk may be a view into a larger, pooled buffer that must not be kept.
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { complete: true, bytes };
}
