import { expect, test } from './fixtures.js';

// `mode: 'no-cors'` allows only `redirect: 'follow'` (Fetch spec, main fetch): the browser's fetch
// fails any other before sending anything. The engine must fail such a call once, not retry it
// and count each try against the origin (unit: tests/unit/core/no-cors-redirect.test.ts).

test("no-cors with redirect: 'error' fails as fetch does, sends nothing, and leaves the origin's breaker alone (in the page)", async ({ harness, up1 }) => {
  const url = `${up1.url}/api/pixel`;
  const native = await harness.page.evaluate((u) => fetch(u, { mode: 'no-cors', redirect: 'error' }).then((r) => `resolved ${r.status}`, (e: Error) => e.name), url);
  expect(native).toBe('TypeError');
  expect(up1.stats().total).toBe(0);

  // Twelve such calls: counted as failures, they open a breaker that judges after ten.
  for (let i = 0; i < 12; i++) {
    const refused = await harness.fetch(url, { mode: 'no-cors', redirect: 'error' });
    expect(refused).toMatchObject({ error: { name: 'TypeError', message: expect.stringMatching(/redirect.*'error'.*no-cors/) } });
  }
  expect(up1.stats().total).toBe(0);
  // The origin is healthy: a call it can answer still reaches it.
  const plain = await harness.fetch(`${up1.url}/api/profile`);
  expect(plain).toMatchObject({ status: 200, meta: { source: 'network' } });
  expect(up1.stats().total).toBe(1);
});
