import { test } from '../fixtures.js';
import { readmePage } from './page.js';
import { expectPrecachingAndResilience } from './precaching.js';
import { readmeBlock, withLocalHosts } from './readme-code.js';
import { INDEX_HTML, createApp } from './throwaway-app.js';

/** The README's recipes for apps that already precache, each built from the packed tarball. */
const RECIPES = [
  { name: 'vite-plugin-pwa', title: 'vite-plugin-pwa (injectManifest): our worker code next to Workbox precaching, from the README recipe' },
  { name: 'serwist', label: 'Serwist', title: 'Serwist (@serwist/vite): our worker code next to Serwist precaching, from the README recipe' },
];

for (const recipe of RECIPES) {
  const label = recipe.label ?? recipe.name;
  test(recipe.title, async ({ page, up1 }) => {
    test.setTimeout(120_000); // builds an app (and, first in a run, may build and pack the package): slow on a loaded machine
    const app = await createApp(recipe.name, {
      'index.html': INDEX_HTML,
      'vite.config.js': readmeBlock(`// vite.config.js (${label})`),
      'src/sw.ts': withLocalHosts(readmeBlock(`// src/sw.ts (${label})`), { api: up1.url }),
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
}
