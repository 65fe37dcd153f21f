import { test } from '../fixtures.js';
import { readmePage } from './page.js';
import { expectPrecachingAndResilience } from './precaching.js';
import { readmeBlock, withLocalHosts } from './readme-code.js';
import { INDEX_HTML, createApp } from './throwaway-app.js';

test('vite-plugin-pwa (injectManifest): our worker code next to Workbox precaching, from the README recipe', async ({ page, up1 }) => {
  test.setTimeout(120_000); // builds an app (and, first in a run, may build and pack the package): slow on a loaded machine
  const app = await createApp('vite-plugin-pwa', {
    'index.html': INDEX_HTML,
    'vite.config.js': readmeBlock('// vite.config.js (vite-plugin-pwa)'),
    'src/sw.ts': withLocalHosts(readmeBlock('// src/sw.ts (vite-plugin-pwa)'), { api: up1.url }),
    'src/main.ts': readmePage(up1.url),
  });
  await app.build();
  const server = await app.serve();
  try {
    await expectPrecachingAndResilience(page, server.url, up1);
  } finally {
    await server.close();
  }
});
