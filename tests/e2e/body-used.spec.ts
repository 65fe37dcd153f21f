import { expect, test } from './fixtures.js';

// fetch(request) uses up a Request's body, and the same Request passed again is refused with a
// TypeError before anything is sent: a double submit of a write reaches the server once. The engine
// buffered a replayable body (here a POST with an Idempotency-Key) from a clone and left the Request
// unused: in Node the second call sent the write again (tests/unit/core/body-used.test.ts). Chromium's
// fetch(request, { body }) uses up the Request itself, so in its page the second call sent nothing,
// but failed as "failed after 1 attempt(s) (network-error)", counted against the breaker, instead of
// fetch's TypeError. Through the worker the page's own fetch takes the Request (client/via-worker.ts).
for (const path of ['in the page, which no worker controls', 'through the worker'] as const) {
  test(`a POST Request passed to resilientFetch twice reaches the upstream once, ${path}`, async ({ harness, up1 }) => {
    if (path === 'through the worker') await harness.register();
    else expect(await harness.page.evaluate(() => window.harness.controlled())).toBe(false);
    const init = { method: 'POST', body: 'order 1', headers: { 'Idempotency-Key': 'order-1' } };
    const { first, bodyUsed, second } = await harness.page.evaluate(([u, i]) => window.harness.sameRequestTwice(u, i), [`${up1.url}/api/orders`, init] as const);
    expect(first).toMatchObject({ status: 200, meta: { source: 'network' } });
    expect(bodyUsed).toBe(true);
    expect(second).toMatchObject({ error: { name: 'TypeError', message: expect.stringContaining('already been used') } });
    expect(up1.requests().filter((r) => r.method === 'POST').map((r) => r.body)).toEqual(['order 1']);
  });
}
