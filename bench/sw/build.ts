/**
 * Builds the benchmark app (bench/app) for production, the way users ship one: the page and our
 * worker through scripts/build-app.ts (`/sw.js`, plus `/sw.classic.js` which we do not use), then
 * the bare pass-through worker as its own module script `/sw-bare.js`.
 */
import path from 'node:path';
import { build } from 'vite';
import { buildApp } from '../../scripts/build-app.js';

export async function buildBenchApp(root: string, outDir: string): Promise<void> {
  await buildApp({ root, outDir, swEntry: 'sw.ts' });
  await build({
    configFile: false,
    logLevel: 'warn',
    root,
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: false,
      lib: { entry: path.join(root, 'sw-bare.ts'), formats: ['es'], fileName: () => 'sw-bare.js' },
    },
  });
}
