import { describe, expect, it } from 'vitest';
import { uploadStream } from '../upload-stream.js';
import { API, setup } from './helpers.js';

const MAX = 64 * 1024;
/** A page's upload as the worker gets it, marked for the outbox. */
function upload(total: number) {
  const body = uploadStream(total);
  const request = new Request(`${API}/upload`, { method: 'POST', body: body.stream, duplex: 'half' } as RequestInit);
  return { ...body, request };
}

/**
 * A write the outbox could never keep (its body is over `maxBytes`) still goes once through the
 * engine, but is not read whole first: the outbox read every body whole before its first send, so a
 * 200 MB upload marked for it was held in the worker before the upstream saw a byte, only to be
 * refused as too large should the send fail.
 */
describe('a write larger than the outbox keeps', () => {
  it('is sent once, intact, without being read whole first; a failed send is refused as too large', async () => {
    const body = upload(1024 * 1024);
    let pulledAtSend = -1;
    // What had been pulled from the body when the engine got the write: what the outbox had read.
    const t = setup({ policy: { defaults: { outbox: { maxBytes: MAX } as never } }, onSend: () => (pulledAtSend = body.pulled()) });
    t.script('network-error');
    await expect(t.outbox.fetch(body.request, {})).rejects.toThrow(/the outbox could not keep it \(too-large\)/);
    expect(t.sent.map((s) => s.body)).toEqual([body.text]);
    expect(pulledAtSend).toBeLessThan(2 * MAX);
    expect(await t.store.entries()).toEqual([]);
    expect(t.kinds()).toEqual(['refused']);
  });

  it('within maxBytes: read once, kept after a failed send, and replayed byte for byte', async () => {
    const t = setup({ policy: { defaults: { outbox: { maxBytes: MAX } as never } } });
    const body = upload(MAX - 1000);
    t.script('network-error');
    expect((await t.outbox.fetch(body.request, {})).status).toBe(202);
    await t.outbox.replay('flush');
    expect(t.sent.map((s) => s.body)).toEqual([body.text, body.text]);
  });
});

describe('a write larger than the outbox keeps, where Request has no body property (Firefox)', () => {
  it('is sent once, intact, and refused as too large when the send fails; one within maxBytes is kept and replayed', async () => {
    const descriptor = Object.getOwnPropertyDescriptor(Request.prototype, 'body')!;
    Object.defineProperty(Request.prototype, 'body', { configurable: true, get: () => undefined });
    try {
      const t = setup({ policy: { defaults: { outbox: { maxBytes: MAX } as never } } });
      const large = new Request(`${API}/large`, { method: 'POST', body: 'x'.repeat(MAX + 1) });
      t.script('network-error', 'network-error');
      await expect(t.outbox.fetch(large, {})).rejects.toThrow(/\(too-large\)/);
      expect((await t.outbox.fetch(new Request(`${API}/small`, { method: 'POST', body: 'small' }), {})).status).toBe(202);
      await t.outbox.replay('flush');
      expect(t.sent.map((s) => `${new URL(s.url).pathname} ${s.body.length}`)).toEqual([`/large ${MAX + 1}`, '/small 5', '/small 5']);
    } finally {
      Object.defineProperty(Request.prototype, 'body', descriptor);
    }
  });
});
