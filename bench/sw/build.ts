/**
 * Builds the benchmark app (bench/app) for production, the way users ship one: the page and our
 * worker through scripts/build-app.ts (`/sw.js`, a module worker sharing chunks with the page,
 * and `/sw.classic.js`, the same worker as one classic script), then each extra worker entry on
 * its own: an ES module at `/<name>.js` (the bare pass-through `sw-bare.ts`) or a classic script
 * at `/<name>.classic.js` (our worker with tracing, `sw-traced.ts`).
 */
import path from 'node:path';
import { build } from 'vite';
import { buildApp } from '../../scripts/build-app.js';

export interface ExtraWorker {
  /** Entry file, relative to the app's root. */
  entry: string;
  /** `es`: a module worker at `/<name>.js`; `iife`: a classic worker at `/<name>.classic.js`. */
  format: 'es' | 'iife';
}

export const EXTRA_WORKERS: ExtraWorker[] = [
  { entry: 'sw-bare.ts', format: 'es' },
  { entry: 'sw-traced.ts', format: 'iife' },
];

export async function buildBenchApp(root: string, outDir: string, extraWorkers: ExtraWorker[] = EXTRA_WORKERS): Promise<void> {
  await buildApp({ root, outDir, swEntry: 'sw.ts' });
  for (const { entry, format } of extraWorkers) {
    const name = path.basename(entry, '.ts');
    await build({
      configFile: false,
      logLevel: 'warn',
      root,
      build: {
        target: 'es2022',
        outDir,
        emptyOutDir: false,
        minify: true,
        lib: { entry: path.join(root, entry), formats: [format], name: 'benchWorker', fileName: () => (format === 'es' ? `${name}.js` : `${name}.classic.js`) },
      },
    });
  }
}
