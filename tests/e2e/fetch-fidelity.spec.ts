import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

// What a page that swaps fetch for resilientFetch expects to keep (tests/unit/core/fetch-fidelity.test.ts has the engine's side).

/** The page sends a keepalive write from `pagehide` with resilientFetch, and one with fetch beside it, then leaves. */
async function leaveWithBeacon(page: Page, url: string, next: string): Promise<void> {
  await page.evaluate((u) => {
    addEventListener('pagehide', () => void window.harness.fetch(`${u}/api/beacon`, { method: 'POST', body: 'session ended', keepalive: true }));
    addEventListener('pagehide', () => void fetch(`${u}/api/beacon-plain`, { method: 'POST', body: 'session ended', keepalive: true }));
  }, url);
  await page.goto(next);
}

test.describe('a keepalive write sent as the page goes away (pagehide)', () => {
  test('reaches the upstream from a page no worker controls, before the in-page engine was ever loaded', async ({ harness, up1, app }) => {
    await leaveWithBeacon(harness.page, up1.url, `${app.url}/nothing-here.txt`);
    await up1.waitFor((s) => s.requests.some((r) => r.path === '/api/beacon-plain'), 5_000, "fetch's own beacon");
    await expect.poll(() => up1.requests().filter((r) => r.path === '/api/beacon').map((r) => r.body), { timeout: 3_000 }).toEqual(['session ended']);
  });

  test('reaches the upstream from a page our worker controls, before the page asked the worker who it is', async ({ harness, up1, app }) => {
    await harness.register();
    await harness.page.reload(); // a new page: it has not asked the worker yet
    expect(await harness.page.evaluate(() => window.harness.controlled())).toBe(true);
    await leaveWithBeacon(harness.page, up1.url, `${app.url}/nothing-here.txt`);
    await up1.waitFor((s) => s.requests.some((r) => r.path === '/api/beacon-plain'), 5_000, "fetch's own beacon");
    await expect.poll(() => up1.requests().filter((r) => r.path === '/api/beacon').map((r) => r.body), { timeout: 3_000 }).toEqual(['session ended']);
  });
});

test.describe('a call made with integrity whose answer does not match', () => {
  const WRONG = 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='; // the hash of an empty body

  for (const path of ['in the page', 'through the worker'] as const) {
    test(`rejects with a TypeError, sent once, with a stored copy of the URL at hand (${path})`, async ({ harness, up1 }) => {
      if (path === 'through the worker') await harness.register();
      const url = `${up1.url}/api/lib`;
      await harness.ok(url); // stored
      await expect.poll(async () => describeStored(await harness.fetch(url, { resilience: { timeoutMs: 1, retries: 0 } }))).toBe('cache');
      up1.resetStats();
      const checked = await harness.fetch(url, { integrity: WRONG });
      expect('error' in checked && checked.error.name).toBe('TypeError');
      expect(up1.stats().byPath['/api/lib']).toBe(1);
    });
  }
});

function describeStored(result: Awaited<ReturnType<import('./fixtures.js').Harness['fetch']>>): string | undefined {
  return 'meta' in result ? result.meta.source : undefined;
}
