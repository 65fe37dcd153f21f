import { createServer, type ViteDevServer } from 'vite';
import { serviceWorkerInDev } from '../../scripts/vite-sw-dev.js';
import { expect, fastBreaker, Harness, test } from './fixtures.js';

test.describe('vite dev', () => {
  let server: ViteDevServer;

  test.beforeAll(async () => {
    server = await createServer({
      configFile: false,
      logLevel: 'silent',
      root: 'tests/e2e/app',
      plugins: [serviceWorkerInDev('sw.ts')],
      optimizeDeps: { entries: ['index.html', 'sw.ts'] },
      server: { host: '127.0.0.1', port: 0, hmr: false },
    });
    await server.listen();
  });

  test.afterAll(async () => {
    await server?.close();
  });

  test('serves the TypeScript worker as a module worker at /sw.js, and it works', async ({ page, up1 }) => {
    const address = server.httpServer!.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    await page.goto(`${url}/`);
    const harness = new Harness(page, url);
    await harness.register({ config: fastBreaker(up1.url) });
    expect((await harness.ok(`${up1.url}/api/dev`)).status).toBe(200);
    up1.setFaults({ outage: true });
    for (let i = 0; i < 4; i++) await harness.ok(`${up1.url}/api/dev`);
    expect((await harness.ok(`${up1.url}/api/dev`)).meta.reason).toBe('circuit-open');
  });
});
