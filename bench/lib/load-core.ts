/**
 * Loads the engine the way users run it: plain JavaScript, as `tsc` emits it.
 *
 * Running `src/core` through tsx would measure tsx too: tsx transforms with esbuild's
 * `keepNames`, which wraps every closure the engine creates per call in a `__name(fn, "…")`
 * helper (an `Object.defineProperty`), a cost no published build has. So by default the bench
 * transpiles `src/core/*.ts` file by file with TypeScript's own `transpileModule` (target ES2022,
 * like the build) into `bench/results/.build/core/` (git-ignored) and imports that. The peers
 * are plain JavaScript from node_modules, so all contenders run the same kind of code.
 * `BENCH_ENGINE=tsx` imports the TypeScript sources through tsx instead, for comparison, and
 * `BENCH_CORE_SRC=<dir>` transpiles another copy of the engine (to measure a patch side by side
 * without touching src/core).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Core = typeof import('../../src/core/index.js');

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = process.env.BENCH_CORE_SRC !== undefined ? resolve(process.env.BENCH_CORE_SRC) : join(HERE, '..', '..', 'src', 'core');
const OUT = join(HERE, '..', 'results', '.build', 'core');

export interface LoadedCore {
  core: Core;
  from: string;
  /** The plain-JS build imported (its index.js), for the browser bundle; undefined under BENCH_ENGINE=tsx. */
  entry?: string;
}

export async function loadCore(): Promise<LoadedCore> {
  if (process.env.BENCH_ENGINE === 'tsx') {
    return { core: await import('../../src/core/index.js'), from: 'src/core via tsx (esbuild keepNames)' };
  }
  const index = pathToFileURL(join(OUT, 'index.js')).href;
  if (process.env.BENCH_CORE_PREBUILT === '1') {
    // The allocation child: measure exactly what the parent just built.
    return { core: (await import(index)) as Core, from: 'prebuilt', entry: join(OUT, 'index.js') };
  }
  const ts = (await import('typescript')).default;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const file of readdirSync(SRC)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(SRC, file), 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        isolatedModules: true,
      },
    });
    writeFileSync(join(OUT, file.replace(/\.ts$/, '.js')), outputText);
  }
  const core = (await import(index)) as Core;
  return { core, from: `${relative(process.cwd(), SRC) || '.'} transpiled by tsc (ES2022), plain JS`, entry: join(OUT, 'index.js') };
}
