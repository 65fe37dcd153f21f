/**
 * `redirect: 'error'` in every engine: the engine sends such a call with 'manual' and refuses the
 * redirect itself (src/core/refused-redirect.ts), which needs each browser's fetch to give an
 * opaque redirect for a page's Request and for a worker's FetchEvent.request alike.
 */
import assert from 'node:assert/strict';
import { eventually, fastBreaker, scenario } from './scenario.js';
import { startRedirectingOrigin } from '../redirecting-origin.js';
import { startRedirector } from '../parity-cases.js';

scenario("redirect: 'error': a redirect rejects the call with a TypeError, sent once, in the page and through the worker, and the breaker stays closed", async ({ open }) => {
  const redirector = await startRedirectingOrigin();
  try {
    const url = `${redirector.url}/api/moved`;
    const page = await open();
    // No worker yet: the in-page engine.
    const inPage = await page.fetch(url, { redirect: 'error', resilience: { fallback: 'none' } });
    assert.ok('error' in inPage && inPage.error.name === 'TypeError', `in the page: ${JSON.stringify(inPage)}`);
    assert.equal(redirector.hits(), 1, 'in the page, sent once');

    // A breaker that two calls counted as failures would open.
    await page.register({ config: { policy: { origins: { [redirector.url]: { breaker: { minimumCalls: 2 }, retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } } });
    for (const n of [2, 3]) {
      const viaWorker = await page.fetch(url, { redirect: 'error' });
      assert.ok('error' in viaWorker && viaWorker.error.name === 'TypeError', `through the worker: ${JSON.stringify(viaWorker)}`);
      assert.equal(redirector.hits(), n, 'through the worker, sent once');
    }
    assert.equal(await page.breaker(redirector.url), 'closed');
  } finally {
    await redirector.close();
  }
});

// mode: 'no-cors' allows only redirect: 'follow' (Fetch spec): each browser's own fetch fails
// any other before sending, and the engine refuses it once, up front (core/refused-redirect.ts).
scenario("no-cors with redirect: 'error': the browser's fetch fails it unsent, and so does the in-page engine, once, leaving the breaker closed", async ({ open, up1 }) => {
  const url = `${up1.url}/api/pixel`;
  const page = await open();
  const native = await page.tab.evaluate<string>("(u) => fetch(u, { mode: 'no-cors', redirect: 'error' }).then((r) => 'resolved ' + r.status, (e) => e.name)", url);
  assert.equal(native, 'TypeError', 'the browser itself');
  // Twelve calls: counted as failures, they open a breaker that judges after ten.
  for (let i = 0; i < 12; i++) {
    const refused = await page.fetch(url, { mode: 'no-cors', redirect: 'error' });
    assert.ok('error' in refused && refused.error.name === 'TypeError' && /redirect: 'error'.*no-cors/.test(refused.error.message), JSON.stringify(refused));
  }
  assert.equal(up1.stats().total, 0, 'nothing sent');
  const plain = await page.fetch(`${up1.url}/api/profile`);
  assert.ok('status' in plain && plain.status === 200 && plain.meta.source === 'network', `the origin still answers: ${JSON.stringify(plain)}`);
});

// response.url and response.redirected of an answer the engine rebuilt (core/responses.ts
// withUrlOf): as the browser's own fetch reports them, in the page and through the worker.
scenario('a redirected answer after a retry, and its stored copy, read the final URL and redirected, as fetch reports them', async ({ open, up1 }) => {
  const redirector = await startRedirector();
  try {
    const moved = `${redirector.url}/to/${up1.port}/api/moved`;
    const page = await open();
    const plain = await page.tab.evaluate<{ url: string; redirected: boolean }>('(u) => fetch(u).then((r) => ({ url: r.url, redirected: r.redirected }))', moved);
    assert.deepEqual(plain, { url: `${up1.url}/api/moved`, redirected: true });
    up1.setFaults({ failFirst: 1 });
    const inPage = await page.ok(moved, { resilience: { fallback: 'none' } });
    assert.deepEqual({ attempts: inPage.meta.attempts, url: inPage.url, redirected: inPage.redirected }, { attempts: 2, ...plain }, 'in the page');

    await page.register({ config: fastBreaker(up1.url, { retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 20 } }) });
    up1.setFaults({ failFirst: 1 });
    const viaWorker = await page.ok(moved);
    assert.deepEqual({ attempts: viaWorker.meta.attempts, url: viaWorker.url, redirected: viaWorker.redirected }, { attempts: 2, ...plain }, 'through the worker');
    await eventually('the answer stored', async () => (await page.cachedEntries()) === 1);
    up1.setFaults({ outage: true });
    const stale = await page.ok(moved, { resilience: { retries: 0 } });
    assert.deepEqual({ source: stale.meta.source, url: stale.url, redirected: stale.redirected }, { source: 'cache', ...plain }, 'the stored copy, through the worker');
  } finally {
    await redirector.close();
  }
});
