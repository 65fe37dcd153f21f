/**
 * Uploads against an upstream that answers 503 then 200, in the page and through the worker: a
 * body within `maxBufferedBodyBytes` is retried with the same bytes; past it, a body the engine
 * receives as a stream (every body through the worker, a Request's in the page) is sent once, and
 * the worker never reads it whole to do so. Bodies are made in the page (harness.upload).
 */
import assert from 'node:assert/strict';
import type { ChaosUpstreamHandle } from '../../../demo-app/server/chaos-upstream.js';
import type { LiveConfig } from '../../../src/index.js';
import type { FetchFailure, FetchResult } from '../app/main.js';
import { uploadText } from '../upload-bytes.js';
import type { HarnessPage } from './page.js';
import { scenario } from './scenario.js';

const LIMIT = 64 * 1024;

function policy(origin: string): LiveConfig {
  // A budget and a breaker that one call after another cannot exhaust or open: each call is judged alone.
  return { policy: { origins: { [origin]: { retry: { maxBufferedBodyBytes: LIMIT, baseDelayMs: 10, maxDelayMs: 20, budgetReserve: 100 }, breaker: { minimumCalls: 100 }, throttle: false } } } };
}

/** What the caller got, and what the upstream received, for one upload. */
async function upload(page: HarnessPage, up: ChaosUpstreamHandle, kind: 'string' | 'blob' | 'request', bytes: number, idempotent = true): Promise<string> {
  up.resetStats();
  up.setFaults({ failFirst: 1, errorStatus: 503 });
  const init = { method: 'POST', headers: { 'Content-Type': 'text/plain', ...(idempotent ? { 'Idempotency-Key': `${kind}-${bytes}` } : {}) } };
  const result = await page.tab.evaluate<FetchResult | FetchFailure>('(u, b, k, i) => window.harness.upload(u, b, k, i)', `${up.url}/api/upload`, bytes, kind, init);
  const expected = uploadText(bytes);
  const posts = up.requests().filter((r) => r.method === 'POST' && r.path === '/api/upload');
  const answer = 'error' in result ? `${result.error.name}: ${result.error.message}` : `${result.status} after ${result.meta.attempts}`;
  return `${answer}; upstream: ${posts.map((p) => `${p.status} ${p.body === expected ? 'exact' : `${p.bodyBytes} bytes, not the upload`}${p.headers['x-resilience-options'] === undefined ? '' : ' with our header'}`).join(', ')}`;
}

const RETRIED = '200 after 2; upstream: 503 exact, 200 exact';
const SENT_ONCE = '503 after 1; upstream: 503 exact';

scenario('uploads: within maxBufferedBodyBytes retried byte for byte, past it sent once byte for byte, in the page and through the worker (which passes the body on unread; Firefox has no Request.body)', async ({ open, up1 }) => {
  // In the page: a browser without service workers, its engine on the policy given to registerResilience.
  const uncontrolled = await open();
  await uncontrolled.tab.evaluate("() => { Object.defineProperty(navigator, 'serviceWorker', { value: undefined, configurable: true }); }");
  assert.equal((await uncontrolled.tryRegister({ config: policy(up1.url) })).ok, false);
  assert.equal(await upload(uncontrolled, up1, 'request', LIMIT - 1024), RETRIED, "in the page, a Request's body within the limit");
  assert.equal(await upload(uncontrolled, up1, 'request', 4 * LIMIT), SENT_ONCE, "in the page, a Request's body past the limit");

  const page = await open();
  await page.register({ config: policy(up1.url) });
  for (const kind of ['string', 'blob', 'request'] as const) {
    assert.equal(await upload(page, up1, kind, LIMIT - 1024), RETRIED, `through the worker, a ${kind} within the limit`);
    assert.equal(await upload(page, up1, kind, 4 * LIMIT), SENT_ONCE, `through the worker, a ${kind} past the limit`);
  }
  // Passed on unread, a body must not turn a simple request into a preflighted one (Fetch spec: a
  // Request rebuilt around a body of unknown source sets the use-CORS-preflight flag).
  assert.equal(await upload(page, up1, 'blob', 4 * LIMIT, false), SENT_ONCE, 'a plain POST past the limit');
  assert.equal(up1.stats().preflights, 0, 'no CORS preflight for a plain POST');
}, { timeout: 60_000 });
