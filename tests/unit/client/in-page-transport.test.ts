import { afterEach, describe, expect, it, vi } from 'vitest';
import { inPageTransport } from '../../../src/client/in-page-transport.js';
import { IN_PAGE_FRAGMENT, isInPageRequest } from '../../../src/sw/in-page-mark.js';

afterEach(() => void vi.unstubAllGlobals());

/** The transport over a recording `fetch`: what the browser would be asked to send. */
function recorded() {
  const sent: Request[] = [];
  const transport = inPageTransport(async (input, init) => {
    sent.push(new Request(input, init));
    return new Response('ok');
  });
  return { sent, transport };
}

const controlled = () => vi.stubGlobal('navigator', { serviceWorker: { controller: {} } });

describe('the in-page engine\'s transport', () => {
  it('marks its URLs while a worker controls the page, so that worker can let them through', async () => {
    controlled();
    const { sent, transport } = recorded();
    await transport('https://api.test/items?q=1');
    await transport(new URL('https://api.test/other#section')); // an app's fragment: never sent either
    expect(sent.map((r) => r.url)).toEqual([`https://api.test/items?q=1${IN_PAGE_FRAGMENT}`, `https://api.test/other${IN_PAGE_FRAGMENT}`]);
    expect(sent.every((r) => isInPageRequest(r.url))).toBe(true);
  });

  it('adds no header: a worker not ours forwards what it gets', async () => {
    controlled();
    const { sent, transport } = recorded();
    await transport(new Request('https://api.test/x', { headers: { accept: 'application/json' } }));
    expect([...sent[0]!.headers]).toEqual([['accept', 'application/json']]);
  });

  it('keeps a Request\'s method, headers, credentials and the attempt\'s own init (its signal, a buffered body)', async () => {
    controlled();
    const { sent, transport } = recorded();
    const attempt = new AbortController();
    const original = new Request('https://api.test/doc', { method: 'PUT', body: 'v1', headers: { 'content-type': 'text/plain' }, credentials: 'include', cache: 'no-store' });
    await transport(original, { body: 'v1', signal: attempt.signal, referrer: original.referrer });
    const out = sent[0]!;
    expect(out).toMatchObject({ url: `https://api.test/doc${IN_PAGE_FRAGMENT}`, method: 'PUT', credentials: 'include', cache: 'no-store' });
    expect(out.headers.get('content-type')).toBe('text/plain');
    expect(await out.text()).toBe('v1');
    attempt.abort();
    expect(out.signal.aborted).toBe(true);
  });

  it('sends a Request whose body it was not given to buffer as it is (once, unmarked)', async () => {
    controlled();
    const { sent, transport } = recorded();
    const write = new Request('https://api.test/upload', { method: 'POST', body: 'big' });
    await transport(write);
    expect(sent[0]!.url).toBe('https://api.test/upload');
    expect(await sent[0]!.text()).toBe('big');
  });

  it('leaves URLs as they are where no worker controls the page', async () => {
    vi.stubGlobal('navigator', { serviceWorker: { controller: null } });
    const { sent, transport } = recorded();
    await transport('https://api.test/items');
    vi.stubGlobal('navigator', { serviceWorker: undefined });
    await transport('https://api.test/items');
    expect(sent.map((r) => r.url)).toEqual(['https://api.test/items', 'https://api.test/items']);
  });
});
