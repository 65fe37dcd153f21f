import { expect, test } from '../fixtures.js';
import { breakerOf, call, controlled, openApp, readmePage } from './page.js';
import { readmeBlock, withLocalHosts } from './readme-code.js';
import { INDEX_HTML, createApp } from './throwaway-app.js';

test('a plain Vite app built from the README quick start handles calls in its worker, traced', async ({ page, up1, receiver }) => {
  test.setTimeout(120_000); // builds an app (and, first in a run, may build and pack the package): slow on a loaded machine
  const app = await createApp('vite-quickstart', {
    'index.html': INDEX_HTML,
    'vite.config.js': readmeBlock('// vite.config.js (Vite)'),
    'src/sw.ts': withLocalHosts(readmeBlock('// sw.ts'), { api: up1.url, otlp: receiver.tracesUrl }),
    'src/main.ts': readmePage(up1.url),
  });
  // Installing the package brings idb and nothing else: OpenTelemetry, zone.js and Workbox are optional peers.
  expect(await app.installed()).toEqual(['idb', 'resilient-fetch']);
  await app.build();
  const server = await app.serve();
  try {
    up1.setFaults({ failFirst: 2 }); // the README's first call meets two 503s
    await openApp(page, `${server.url}/`);
    expect(await controlled(page)).toBe(true);

    // The worker retried (the README's policy allows two retries) and says so on the response.
    expect(await page.evaluate(() => (window as unknown as { app: { first: unknown } }).app.first)).toMatchObject({ source: 'network', attempts: 3 });
    expect(up1.stats().total).toBe(3);
    expect(await breakerOf(page, new URL(up1.url).origin)).toBe('closed');
    expect((await call(page, `${up1.url}/api/cart`)).status).toBe(200);

    // The spans came from the worker's tracing, named as the README names it.
    const spans = await receiver.waitFor((s) => s.some((span) => span.serviceName === 'shop-sw'), 10_000, 'spans from shop-sw');
    expect(spans.some((span) => span.serviceName === 'shop-sw' && span.attributes['http.request.resend_count'] === 2)).toBe(true);
  } finally {
    await server.close();
  }
});
