import { expect, test } from './fixtures.js';

// Per-call options are checked before anything is sent, with a TypeError naming the field and the
// value. Through the worker, an error thrown there reaches the page only as "Failed to fetch"
// (respondWith rejected: a network error), so the worker must carry the message across.
test.describe('invalid per-call options through the worker', () => {
  test('reject with the TypeError naming the field and the value, and send nothing', async ({ harness, up1 }) => {
    await harness.register();
    const before = up1.stats().total;
    const result = await harness.fetch(`${up1.url}/api/items`, { resilience: { retries: -1 } });
    expect(result).toMatchObject({ error: { name: 'TypeError', message: 'resilience.retries must be an integer >= 0, got -1' } });
    const outbox = await harness.fetch(`${up1.url}/api/items`, { method: 'POST', body: 'x', resilience: { outbox: 'yes' } });
    expect(outbox).toMatchObject({ error: { name: 'TypeError', message: 'resilience.outbox must be true or false, got "yes"' } });
    expect(up1.stats().total).toBe(before);
  });
});

// JSON writes Infinity as null: the worker refused options the in-page engine takes (no per-attempt
// timeout, no deadline), so the same call failed only when a worker of ours controlled the page.
test('per-call options of Infinity are taken through the worker, as in the page', async ({ harness, up1 }) => {
  await harness.register();
  const result = await harness.fetch(`${up1.url}/api/items`, { resilience: { timeoutMs: Infinity, deadlineMs: Infinity, maxStaleMs: Infinity } });
  expect(result).toMatchObject({ status: 200, meta: { source: 'network' } });
});
