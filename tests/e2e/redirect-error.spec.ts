import { expect, test } from './fixtures.js';
import { startRedirectingOrigin } from './redirecting-origin.js';

// `redirect: 'error'`: fetch rejects a redirect with a TypeError no different from a network
// error. The redirect is the upstream's answer, not its failure: sent once, on every path, and
// never held against the origin (unit: tests/unit/core/redirect-error.test.ts, with a fake fetch;
// here, whether a browser's fetch and a worker's FetchEvent.request allow what the engine does).

test("a redirect under redirect: 'error' is sent once and rejects with a TypeError, in the page, through the worker, and for a plain fetch", async ({ harness }) => {
  const redirector = await startRedirectingOrigin();
  try {
    const url = `${redirector.url}/api/moved`;
    // A breaker that would open after two failures: three calls counted as failures open it.
    const config = { policy: { origins: { [redirector.url]: { breaker: { minimumCalls: 2 }, retry: { baseDelayMs: 10, maxDelayMs: 20 } } } } };
    const inPage = await harness.fetch(url, { redirect: 'error', resilience: { fallback: 'none' } });
    expect(inPage).toMatchObject({ error: { name: 'TypeError' } });
    expect(redirector.hits()).toBe(1);

    await harness.register({ config });
    const viaWorker = await harness.fetch(url, { redirect: 'error' });
    expect(viaWorker).toMatchObject({ error: { name: 'TypeError' } });
    expect(redirector.hits()).toBe(2);

    // A plain fetch to an origin the policy names goes through the worker's pipeline too.
    const plain = await harness.page.evaluate((u) => fetch(u, { redirect: 'error' }).then((r) => `status ${r.status}`, (e: Error) => e.name), url);
    expect(plain).toBe('TypeError');
    expect(redirector.hits()).toBe(3);
    expect(await harness.breaker(redirector.url)).toBe('closed');
  } finally {
    await redirector.close();
  }
});
