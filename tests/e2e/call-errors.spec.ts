import { expect, test } from './fixtures.js';

// A call the engine rejects rejects the same way wherever the engine runs: an app's
// `catch (e) { if (e.name === 'TimeoutError') … }` must work on a first visit (the engine in the
// page) and after (the engine in our worker). Thrown in the worker, the error would reach the page
// only as fetch's bare network TypeError ("Failed to fetch": respondWith rejected), so the worker
// carries its name and message across to our page client.
const NO_RETRY = { timeoutMs: 500, retries: 0, fallback: 'none' };

test.describe('a call the engine rejects, in the page and through the worker', () => {
  test('a hung upstream and no stored copy: TimeoutError with the same message both ways', async ({ harness, up1 }) => {
    up1.setFaults({ hang: true });
    const inPage = await harness.fetch(`${up1.url}/api/slow?token=secret`, { resilience: NO_RETRY });
    expect(await harness.page.evaluate(() => window.harness.controlled())).toBe(false); // so it ran in the page
    await harness.register();
    const viaWorker = await harness.fetch(`${up1.url}/api/slow?token=secret`, { resilience: NO_RETRY });
    expect('error' in inPage && inPage.error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('timed out (timeout)') });
    expect('error' in viaWorker && viaWorker.error).toEqual('error' in inPage && inPage.error);
    expect(JSON.stringify(viaWorker)).not.toContain('secret'); // the URL stays redacted across the worker
    await expect.poll(() => up1.stats().aborted).toBe(2);
  });

  test('an upstream that resets the connection: the engine\'s TypeError naming the URL and why, both ways', async ({ harness, up1 }) => {
    up1.setFaults({ reset: true });
    const inPage = await harness.fetch(`${up1.url}/api/down`, { resilience: NO_RETRY });
    await harness.register();
    const viaWorker = await harness.fetch(`${up1.url}/api/down`, { resilience: NO_RETRY });
    expect('error' in inPage && inPage.error).toMatchObject({ name: 'TypeError', message: expect.stringContaining(`resilient-fetch: ${up1.url}/api/down failed after 1 attempt(s)`) });
    expect('error' in viaWorker && viaWorker.error).toEqual('error' in inPage && inPage.error);
  });

  test('a plain fetch the worker handles still gets a network error, as fetch would', async ({ harness, up1 }) => {
    await harness.register({ config: { policy: { origins: { [up1.url]: { timeoutMs: 500, retry: { maxRetries: 0 }, fallback: 'none' } } } } });
    up1.setFaults({ hang: true });
    const plain = await harness.page.evaluate((url) => fetch(url).then((r) => ({ status: r.status, headers: Object.fromEntries(r.headers) }), (e: Error) => ({ name: e.name, message: e.message })), `${up1.url}/api/plain`);
    expect(plain).toMatchObject({ name: 'TypeError' });
    expect(JSON.stringify(plain)).not.toContain('timed out');
    expect(await harness.breaker(up1.url)).toBe('closed'); // it went through the pipeline
  });
});
