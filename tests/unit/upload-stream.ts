const CHUNK = 16 * 1024;

/**
 * An upload body read only as it is pulled, 16 KiB at a time, as a browser hands the worker a
 * page's body: `pulled` says how many bytes were taken from it so far (what anything reading it
 * can be holding).
 */
export function uploadStream(total: number) {
  const bytes = new Uint8Array(total).map((_, i) => 33 + (i % 89));
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        const chunk = bytes.slice(pulled, pulled + CHUNK);
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, text: new TextDecoder().decode(bytes), pulled: () => pulled };
}
