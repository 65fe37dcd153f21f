/**
 * `npm run size:app`: what an app really ships, measured the way issue 12 asks ("the same in a
 * fresh Vite app built from `npm pack`"). `npm run size` bundles our sources with esbuild; this
 * packs the package, installs the tarball into throwaway Vite apps (the README's `vite.config.js`)
 * and gzips (-9) what `vite build` emits, so a difference between the two (a build step, Vite's own
 * minifier, chunking between the page and the worker) shows up here.
 *
 * Each app imports exactly what the size-limit entry of the same name imports (.size-limit.cjs).
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { INDEX_HTML, createApp } from '../tests/e2e/adoption/throwaway-app.js';
import { readmeBlock } from '../tests/e2e/adoption/readme-code.js';

interface AppSpec {
  name: string;
  page: string;
  worker: string;
  /** More files of the app (src/…). */
  files?: Record<string, string>;
}

const PAGE = `import { registerResilience, resilientFetch, describeResponse } from 'resilient-fetch';
await registerResilience('/sw.js');
const response = await resilientFetch('/api/x');
console.log(describeResponse(response));
`;

const BARE_WORKER = `self.addEventListener('fetch', () => {});\n`;

const APPS: AppSpec[] = [
  // The same app without us: what Vite itself puts in every page (its modulepreload polyfill)...
  { name: 'size-baseline', page: `const response = await fetch('/api/x');\nconsole.log(response.status);\n`, worker: BARE_WORKER },
  // ...and in a page with one lazy route of its own (the helper that preloads a lazy chunk's imports).
  {
    name: 'size-baseline-lazy',
    page: `const response = await fetch('/api/x');\nconst route = await import('./route.ts');\nroute.show(response.status);\n`,
    worker: BARE_WORKER,
    files: { 'src/route.ts': `import { helper } from './helper.ts';\nexport function show(status: number): void {\n  console.log(helper(status));\n}\n`, 'src/helper.ts': `export const helper = (n: number) => n + 1;\n` },
  },
  { name: 'size-worker', page: PAGE, worker: `import { installResilience } from 'resilient-fetch/sw';\ninstallResilience({});\n` },
  {
    name: 'size-outbox',
    page: PAGE,
    worker: `import { installResilience } from 'resilient-fetch/sw';\nimport { outbox } from 'resilient-fetch/sw/outbox';\ninstallResilience({ outbox });\n`,
  },
];

/** Gzipped bytes of a built file. */
async function gz(file: string): Promise<number> {
  return gzipSync(await readFile(file), { level: 9 }).length;
}

/** The file an import in `source` names, relative to the app's dist/ (Vite emits `/assets/x.js` or `./x.js`). */
function importsOf(source: string, from: string): { eager: string[]; lazy: string[] } {
  const resolve = (spec: string) => (spec.startsWith('/') ? spec.slice(1) : path.posix.join(path.posix.dirname(from), spec));
  const eager = [...source.matchAll(/(?:^|[;}\s])import\s*(?:[\w*{},\s$]+from\s*)?["'`]([^"'`]+\.js)["'`]/g)].map((m) => resolve(m[1]!));
  const lazy = [...source.matchAll(/import\(\s*["'`]([^"'`]+\.js)["'`]\s*\)/g)].map((m) => resolve(m[1]!));
  return { eager, lazy };
}

/** An entry and every chunk it imports statically, each counted once; the dynamic imports met on the way. */
async function closure(dist: string, entry: string): Promise<{ files: string[]; lazy: string[] }> {
  const files: string[] = [];
  const lazy = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.includes(file)) continue;
    files.push(file);
    const found = importsOf(await readFile(path.join(dist, file), 'utf8'), file);
    queue.push(...found.eager);
    for (const l of found.lazy) lazy.add(l);
  }
  return { files, lazy: [...lazy].filter((l) => !files.includes(l)) };
}

async function sizeOf(dist: string, files: string[]): Promise<number> {
  let total = 0;
  for (const file of files) total += await gz(path.join(dist, file));
  return total;
}

const kb = (bytes: number) => `${(bytes / 1000).toFixed(2)} KB`;

async function measure(spec: AppSpec): Promise<Record<string, number>> {
  const app = await createApp(spec.name, {
    'index.html': INDEX_HTML,
    'vite.config.js': readmeBlock('// vite.config.js (Vite)'),
    'src/main.ts': spec.page,
    'src/sw.ts': spec.worker,
    ...spec.files,
  });
  await app.build();
  const dist = path.join(app.dir, 'dist');
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  const pageEntry = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1];
  if (pageEntry === undefined) throw new Error(`no module script in ${dist}/index.html`);
  const page = await closure(dist, pageEntry);
  const lazy = await closure(dist, page.lazy[0] ?? pageEntry);
  const worker = await closure(dist, 'sw.js');
  const emitted = (await readdir(path.join(dist, 'assets'))).filter((f) => f.endsWith('.js')).length;
  console.error(`${spec.name}: ${emitted} JS files in assets/; page ${page.files.join(', ')}; lazy ${page.lazy.join(', ')}; worker ${worker.files.join(', ')}`);
  return {
    page: await sizeOf(dist, page.files),
    lazy: page.lazy.length === 0 ? 0 : await sizeOf(dist, lazy.files.filter((f) => !page.files.includes(f))),
    worker: await sizeOf(dist, worker.files),
  };
}

process.env.RF_ADOPTION_RUN ??= `size-app-${process.pid}`;
const [bare, bareLazy, plain, withOutbox] = [await measure(APPS[0]!), await measure(APPS[1]!), await measure(APPS[2]!), await measure(APPS[3]!)];
const vite = JSON.parse(await readFile('node_modules/vite/package.json', 'utf8')) as { version: string };
console.log(`Vite ${vite.version}, the README's vite.config.js, the package from npm pack; gzip -9 of what vite build emits:`);
console.log(`| what | gzipped |\n|---|---:|`);
console.log(`| page: registerResilience, resilientFetch, describeResponse (before the first call) | ${kb(plain.page!)} |`);
console.log(`| … of which Vite's own modulepreload polyfill (in every Vite page) | ${kb(bare.page!)} |`);
console.log(`| … and Vite's lazy-chunk preload helper (in every Vite page with a lazy route) | ${kb(bareLazy.page! - bare.page!)} |`);
console.log(`| … and ours | ${kb(plain.page! - bareLazy.page!)} |`);
console.log(`| page: the in-page engine chunk (loaded when no worker controls the page) | ${kb(plain.lazy!)} |`);
console.log(`| worker: installResilience({}) | ${kb(plain.worker! - bare.worker!)} |`);
console.log(`| worker: installResilience({ outbox }) | ${kb(withOutbox.worker! - bare.worker!)} |`);
