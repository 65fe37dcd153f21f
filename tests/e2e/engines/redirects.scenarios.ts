/**
 * `redirect: 'error'` in every engine: the engine sends such a call with 'manual' and refuses the
 * redirect itself (src/core/refused-redirect.ts), which needs each browser's fetch to give an
 * opaque redirect for a page's Request and for a worker's FetchEvent.request alike.
 */
import assert from 'node:assert/strict';
import { scenario } from './scenario.js';
import { startRedirectingOrigin } from '../redirecting-origin.js';

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
