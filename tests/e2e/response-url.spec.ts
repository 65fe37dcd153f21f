import { expect, fastBreaker, test } from './fixtures.js';
import { startRedirector } from './parity-cases.js';

// `response.url` and `response.redirected` of an answer reached through a 302, as the page's own
// fetch reports them (the final URL, true), on an answer the engine rebuilt: after a retry, and a
// stored copy standing in for a failed call. In the page (no worker yet) and through the worker,
// whose rebuilt Response has no URL list of its own (unit: tests/unit/core/response-url.test.ts).

test('a redirected answer after a retry, and its stored copy, read as fetch reports them, in the page and through the worker', async ({ harness, up1 }) => {
  const redirector = await startRedirector();
  try {
    const moved = `${redirector.url}/to/${up1.port}/api/moved`;
    const final = `${up1.url}/api/moved`;
    const plain = await harness.page.evaluate((u) => fetch(u).then((r) => ({ url: r.url, redirected: r.redirected })), moved);
    expect(plain).toEqual({ url: final, redirected: true });

    const policy = { retry: { baseDelayMs: 10, maxDelayMs: 20 } };
    up1.setFaults({ failFirst: 1 });
    const inPage = await harness.ok(moved, { resilience: { fallback: 'none' } });
    expect(inPage.meta.attempts).toBe(2);
    expect({ url: inPage.url, redirected: inPage.redirected }, 'in the page').toEqual(plain);

    await harness.register({ config: fastBreaker(up1.url, policy) });
    up1.setFaults({ failFirst: 1 });
    const viaWorker = await harness.ok(moved, { resilience: { retries: 2 } });
    expect(viaWorker.meta.attempts).toBe(2);
    expect({ url: viaWorker.url, redirected: viaWorker.redirected }, 'through the worker').toEqual(plain);

    // The worker stored that answer; with the upstream down, the copy stands in for it.
    await expect.poll(async () => (await harness.page.evaluate(() => window.harness.cacheStats()))?.entries).toBe(1);
    up1.setFaults({ outage: true });
    const stale = await harness.ok(moved, { resilience: { retries: 0 } });
    expect(stale.meta.source).toBe('cache');
    expect({ url: stale.url, redirected: stale.redirected }, 'the stored copy, through the worker').toEqual(plain);
  } finally {
    await redirector.close();
  }
});
