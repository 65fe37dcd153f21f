import { expect, test } from '../fixtures.js';
import { controlled, openApp, readmePage } from './page.js';
import { readmeBlock, withLocalHosts } from './readme-code.js';
import { INDEX_HTML, createApp } from './throwaway-app.js';

interface OutboxApp {
  app: {
    resilientFetch: typeof fetch;
    describeResponse(res: Response): { source: string; reason?: string };
    resilience: { outbox: { flush(): Promise<{ entries: unknown[] }> } };
  };
}

test('the outbox from its own import (resilient-fetch/sw/outbox), as the README installs it: a write during an outage is kept, then delivered once', async ({ page, up1 }) => {
  test.setTimeout(120_000); // builds an app (and, first in a run, may build and pack the package): slow on a loaded machine
  const app = await createApp('vite-outbox', {
    'index.html': INDEX_HTML,
    'vite.config.js': readmeBlock('// vite.config.js (Vite)'),
    'src/sw.ts': withLocalHosts(readmeBlock('// sw.ts (with the outbox)'), { api: up1.url }),
    'src/main.ts': readmePage(up1.url),
  });
  await app.build();
  const server = await app.serve();
  try {
    await openApp(page, `${server.url}/`);
    expect(await controlled(page)).toBe(true);

    up1.setFaults({ outage: true });
    const queued = await page.evaluate(async (url) => {
      const { app } = window as unknown as OutboxApp;
      const res = await app.resilientFetch(url, { method: 'POST', body: 'note 1' });
      return { status: res.status, ...app.describeResponse(res) };
    }, `${up1.url}/api/notes`);
    expect(queued).toMatchObject({ status: 202, source: 'outbox', reason: 'queued' });

    up1.setFaults({ outage: false });
    const left = await page.evaluate(async () => (await (window as unknown as OutboxApp).app.resilience.outbox.flush()).entries.length);
    expect(left).toBe(0);
    const delivered = up1.requests().filter((r) => !r.preflight && r.method === 'POST' && r.status === 200);
    expect(delivered).toHaveLength(1);
    expect(delivered[0]!.headers['idempotency-key']).toMatch(/^"[0-9a-f-]{36}"$/);
  } finally {
    await server.close();
  }
});
