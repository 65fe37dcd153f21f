import type { FetchFailure, FetchResult } from './app/main.js';
import { expect, test, type Harness } from './fixtures.js';
import { uploadText } from './upload-bytes.js';
import type { ChaosUpstreamHandle } from '../../demo-app/server/chaos-upstream.js';

/**
 * Uploads in the page and through the worker, against an upstream that answers 503 then 200: a
 * body within `maxBufferedBodyBytes` is retried with the same bytes; past it, a body that reaches
 * the engine as a stream (every body through the worker, a Request's in the page) is sent once and
 * its 503 comes back. Bodies are made in the page (harness.upload), a few hundred KB at most.
 */
const LIMIT = 64 * 1024;
const OVER = 4 * LIMIT;
const UNDER = LIMIT - 1024;

type Kind = 'string' | 'blob' | 'request' | 'stream';

function policy(origin: string) {
  // A budget and a breaker that one call after another cannot exhaust or open: each call here is judged alone.
  return { policy: { origins: { [origin]: { retry: { maxBufferedBodyBytes: LIMIT, baseDelayMs: 10, maxDelayMs: 20, budgetReserve: 100 }, breaker: { minimumCalls: 100 }, throttle: false } } } } as const;
}

/** Registers our worker, or (`inPage`) leaves the page without service workers, its engine on the same policy. */
async function setUp(harness: Harness, up: ChaosUpstreamHandle, inPage: boolean): Promise<void> {
  if (!inPage) return harness.register({ config: policy(up.url) });
  await harness.page.evaluate(() => Object.defineProperty(navigator, 'serviceWorker', { value: undefined, configurable: true }));
  const refused = await harness.page.evaluate((config) => window.harness.register({ config }), policy(up.url));
  expect(refused.ok).toBe(false); // no workers here, but the policy reaches the in-page engine
}

/** One upload against a fresh 503-then-200; what the caller got, and the POSTs the upstream received. */
async function upload(harness: Harness, up: ChaosUpstreamHandle, kind: Kind, bytes: number, idempotencyKey: string | null = `${kind}-${bytes}`) {
  up.resetStats();
  up.setFaults({ failFirst: 1, errorStatus: 503 });
  const init = { method: 'POST', headers: { 'Content-Type': 'text/plain', ...(idempotencyKey !== null ? { 'Idempotency-Key': idempotencyKey } : {}) } };
  const result: FetchResult | FetchFailure = await harness.page.evaluate(([u, b, k, i]) => window.harness.upload(u, b, k, i), [`${up.url}/api/upload`, bytes, kind, init] as const);
  const expected = uploadText(bytes);
  const posts = up.requests().filter((r) => r.method === 'POST' && r.path === '/api/upload');
  return {
    answer: 'error' in result ? `${result.error.name}: ${result.error.message}` : `${result.status} after ${result.meta.attempts}`,
    received: posts.map((p) => `${p.status} ${p.body === expected ? 'exact' : `${p.bodyBytes} bytes, not the upload`}`),
    ours: posts.filter((p) => p.headers['x-resilience-options'] !== undefined || p.headers.traceparent !== undefined).length,
  };
}

const retried = { answer: '200 after 2', received: ['503 exact', '200 exact'], ours: 0 };
const sentOnce = { answer: '503 after 1', received: ['503 exact'], ours: 0 };

test.describe('uploads through the worker', () => {
  for (const kind of ['string', 'blob', 'request'] as const) {
    test(`a ${kind} body within maxBufferedBodyBytes is retried byte for byte; past it, sent once, byte for byte, its 503 unretried`, async ({ harness, up1 }) => {
      await setUp(harness, up1, false);
      expect(await upload(harness, up1, kind, UNDER)).toEqual(retried);
      expect(await upload(harness, up1, kind, OVER)).toEqual(sentOnce);
    });
  }

  test('a plain POST past the limit stays a simple request: the worker sends it once with no CORS preflight', async ({ harness, up1 }) => {
    // A Request rebuilt from a body the engine cannot name the source of (a stream) is preflighted
    // (Fetch spec, "use-CORS-preflight flag"): the worker passes the page's body on unread, and must not add one.
    await setUp(harness, up1, false);
    expect(await upload(harness, up1, 'blob', OVER, null)).toEqual(sentOnce);
    expect(up1.stats().preflights).toBe(0);
  });
});

test.describe('uploads in the page (its engine, zone.js loaded as page tracing loads it)', () => {
  test("a Request's body reaches its URL: retried byte for byte within maxBufferedBodyBytes, sent once past it", async ({ harness, up1 }) => {
    await setUp(harness, up1, true);
    expect(await upload(harness, up1, 'request', UNDER)).toEqual(retried);
    expect(await upload(harness, up1, 'request', OVER)).toEqual(sentOnce);
  });

  test('a string or a Blob is already whole in memory: it is retried at any size', async ({ harness, up1 }) => {
    await setUp(harness, up1, true);
    expect(await upload(harness, up1, 'string', OVER)).toEqual(retried);
    expect(await upload(harness, up1, 'blob', OVER)).toEqual(retried);
  });
});

test.describe('a ReadableStream body (duplex: half), Chromium against an HTTP/1.1 upstream', () => {
  test('within the limit the worker buffers it and retries it; past it, it is passed on as the stream it is, which Chromium refuses over HTTP/1.1 as it does in the page', async ({ harness, up1 }) => {
    const refused = { answer: `TypeError: resilient-fetch: ${up1.url}/api/upload failed after 1 attempt(s) (network-error)`, received: [], ours: 0 };
    await setUp(harness, up1, false);
    expect(await upload(harness, up1, 'stream', UNDER)).toEqual(retried);
    // Before, the worker read it whole to rebuild the Request, and sent those bytes: it "worked",
    // holding any size in memory, which is what maxBufferedBodyBytes is there to stop.
    expect(await upload(harness, up1, 'stream', OVER)).toEqual(refused);
    await harness.page.evaluate(() => window.harness.unregister());
    await harness.page.reload();
    await setUp(harness, up1, true);
    expect(await upload(harness, up1, 'stream', UNDER)).toEqual(refused); // the engine never buffers a stream the caller handed it
  });
});
