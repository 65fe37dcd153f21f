/**
 * A Request passed to resilientFetch twice (a double submit): fetch uses up its body, and refuses
 * it the second time with a TypeError before sending anything. The in-page engine buffers a
 * replayable body (a POST with an Idempotency-Key) from a clone, then leaves the original used: a
 * cancelled stream where Request has a body, a second read in Firefox, which has none.
 */
import assert from 'node:assert/strict';
import { scenario } from './scenario.js';

scenario('in-page engine: a POST Request passed twice is sent once, retried with its body, and refused the second time with a TypeError', async ({ open, up1 }) => {
  const page = await open();
  assert.equal(await page.controlled(), false, 'a first visit: the call runs in the page');
  up1.setFaults({ failFirst: 1 }); // the first attempt gets a 503: the retry must carry the same body
  const { first, bodyUsed, second } = await page.tab.evaluate<{ first: { status?: number; meta?: { attempts?: number } }; bodyUsed: boolean; second: { error?: { name: string; message: string } } }>(
    "(u) => window.harness.sameRequestTwice(u, { method: 'POST', body: 'order 1', headers: { 'Idempotency-Key': 'order-1' } })",
    `${up1.url}/api/orders`,
  );
  assert.equal(first.status, 200);
  assert.equal(first.meta?.attempts, 2, 'the 503 was retried');
  assert.equal(bodyUsed, true, 'the Request is used up, as fetch leaves it');
  assert.equal(second.error?.name, 'TypeError', JSON.stringify(second));
  assert.match(second.error?.message ?? '', /already been used/, 'refused as fetch refuses it, not counted as a network failure');
  const posts = up1.requests().filter((r) => r.method === 'POST').map((r) => r.body);
  assert.deepEqual(posts.slice(-1), ['order 1']);
  assert.ok(posts.every((b) => b === 'order 1'), JSON.stringify(posts));
  assert.equal(posts.length, first.meta?.attempts, 'every attempt reached the upstream, none more');
});
