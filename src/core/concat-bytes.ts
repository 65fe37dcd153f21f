/**
 * Joins chunks read from a stream into one buffer. Always a copy: a chunk may be a view into a
 * larger, pooled buffer that must not be kept or stored.
 */
export function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
