/**
 * Bundles the scorecard page (every client, loaded by `?client=`) and both service workers with
 * Vite for production, as users ship them: our worker at `/sw.js` (the README's quick start),
 * Workbox's at `/sw-workbox.js`, both module workers.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

export const APP_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'app');
const WORKERS: Record<string, string> = { sw: 'sw-ours.ts', 'sw-workbox': 'sw-workbox.ts' };

export async function buildScorecardApp(outDir: string): Promise<void> {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: APP_ROOT,
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      rollupOptions: {
        input: {
          index: path.join(APP_ROOT, 'index.html'),
          ...Object.fromEntries(Object.entries(WORKERS).map(([name, file]) => [name, path.join(APP_ROOT, file)])),
        },
        output: { entryFileNames: (chunk) => (chunk.name in WORKERS ? `${chunk.name}.js` : 'assets/[name]-[hash].js') },
      },
    },
  });
}
