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
  await transpileCore(SRC, OUT);
  const core = (await import(index)) as Core;
  return { core, from: `${relative(process.cwd(), SRC) || '.'} transpiled by tsc (ES2022), plain JS`, entry: join(OUT, 'index.js') };
}

/** Another copy of the engine (e.g. a patched one), transpiled the same way, beside the default build. */
export async function loadCoreFrom(src: string, name: string): Promise<LoadedCore> {
  const out = join(OUT, '..', `core-${name}`);
  await transpileCore(resolve(src), out);
  const entry = join(out, 'index.js');
  return { core: (await import(pathToFileURL(entry).href)) as Core, from: `${relative(process.cwd(), resolve(src)) || '.'} (plain JS)`, entry };
}

async function transpileCore(src: string, out: string): Promise<void> {
  const ts = (await import('typescript')).default;
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const file of readdirSync(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(src, file), 'utf8'), {
      fileName: file,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        isolatedModules: true,
      },
    });
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), outputText);
  }
}
