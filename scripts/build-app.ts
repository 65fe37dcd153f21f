import path from 'node:path';
import { build, type InlineConfig } from 'vite';

export interface BuildAppOptions {
  /** Folder holding index.html (the page) and the service worker entry. */
  root: string;
  outDir: string;
  /** The service worker entry, relative to root. */
  swEntry?: string;
  /** Extra HTML pages, relative to root. */
  pages?: string[];
  /** More module workers, name → entry relative to root, emitted at `/<name>.js` like `/sw.js`. */
  workers?: Record<string, string>;
  /** VITE_* values the page and the worker read from import.meta.env. */
  env?: Record<string, string>;
}

/**
 * Builds an app the way users ship one: the page, the service worker as a module worker at
 * `/sw.js` (no hash, so its URL stays stable across deploys), and a self-contained classic
 * build at `/sw.classic.js` for browsers without module workers.
 */
export async function buildApp(options: BuildAppOptions): Promise<void> {
  const root = path.resolve(options.root);
  const outDir = path.resolve(options.outDir);
  const swEntry = path.join(root, options.swEntry ?? 'sw.ts');
  const define = Object.fromEntries(
    Object.entries(options.env ?? {}).map(([key, value]) => [`import.meta.env.${key}`, JSON.stringify(value)]),
  );
  const shared: InlineConfig = { configFile: false, logLevel: 'warn', root, define, build: { target: 'es2022', sourcemap: true } };
  const workers = Object.fromEntries(Object.entries(options.workers ?? {}).map(([name, entry]) => [name, path.join(root, entry)]));
  const pages = Object.fromEntries([['index', 'index.html'], ...(options.pages ?? []).map((p) => [path.basename(p, '.html'), p])].map(([k, p]) => [k, path.join(root, p!)]));

  await build({
    ...shared,
    build: {
      ...shared.build,
      outDir,
      emptyOutDir: true,
      rollupOptions: {
        input: { ...pages, sw: swEntry, ...workers },
        output: { entryFileNames: (chunk) => (chunk.name === 'sw' || chunk.name in workers ? `${chunk.name}.js` : 'assets/[name]-[hash].js') },
      },
    },
  });
  await build({
    ...shared,
    build: {
      ...shared.build,
      outDir,
      emptyOutDir: false,
      lib: { entry: swEntry, formats: ['iife'], name: 'resilientFetchWorker', fileName: () => 'sw.classic.js' },
    },
  });
}
