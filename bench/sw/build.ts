/**
 * Builds the benchmark app (bench/app) for production, the way users ship one: the page and our
 * worker through scripts/build-app.ts (`/sw.js`, plus `/sw.classic.js` which we do not use), then
 * each extra worker entry (e.g. the bare pass-through `sw-bare.ts`) as its own module script at
 * `/<name>.js`.
 */
import path from 'node:path';
import { build } from 'vite';
import { buildApp } from '../../scripts/build-app.js';

export async function buildBenchApp(root: string, outDir: string, extraWorkers: string[] = ['sw-bare.ts']): Promise<void> {
  await buildApp({ root, outDir, swEntry: 'sw.ts' });
  for (const entry of extraWorkers) {
    await build({
      configFile: false,
      logLevel: 'warn',
      root,
      build: {
        target: 'es2022',
        outDir,
        emptyOutDir: false,
        minify: true,
        lib: { entry: path.join(root, entry), formats: ['es'], fileName: () => `${path.basename(entry, '.ts')}.js` },
      },
    });
  }
}
