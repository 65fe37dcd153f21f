/** The bytes of an upload the harness page makes (tests/e2e/app/main.ts): printable ASCII, so the upstream's UTF-8 text of them compares exactly. */
export function uploadBytes(length: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(length).map((_, i) => 33 + (i % 89));
}

/** The same, as the text the chaos upstream records. */
export function uploadText(length: number): string {
  return new TextDecoder().decode(uploadBytes(length));
}
