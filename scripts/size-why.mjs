// `npm run size:why [name filter] [--all] [--without=a.ts,b.ts]`: what each size-limit entry is
// made of. Builds every entry of .size-limit.cjs the way size-limit does (same import, same esbuild
// options) and lists its input files by minified bytes in the output, largest first (before gzip:
// gzip does not split by file). Use it to see where a budget goes before changing code.
//
// --without replaces each source file whose path ends with one of the names by a stub that
// exports the same names as an inert value, so the figure is what the entry would weigh without
// that file's own code (its callers stay): a floor for "what if this feature left?".
import { build } from 'esbuild';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

process.stdout.on('error', () => process.exit(0)); // piped into head: stop quietly
const args = process.argv.slice(2);
const all = args.includes('--all');
const filter = args.find((a) => !a.startsWith('--')) ?? '';
const without = (args.find((a) => a.startsWith('--without='))?.slice(10).split(',') ?? []).filter(Boolean);
const stubbed = new Set();
const stubFeatures = {
  name: 'stub-features',
  setup(b) {
    b.onLoad({ filter: /\/src\/.*\.ts$/ }, async ({ path }) => {
      if (!without.some((name) => path.endsWith(`/${name}`))) return undefined;
      stubbed.add(relative(process.cwd(), path));
      const source = await readFile(path, 'utf8');
      const names = [...source.matchAll(/^export (?:async )?(?:const|let|function\*?|class) (\w+)/gm)].map((m) => m[1]);
      const exports = names.map((n) => `export const ${n} = inert;`).join('\n');
      return { contents: `const inert = new Proxy(function () {}, { get: () => inert, apply: () => inert, construct: () => inert });\n${exports}`, loader: 'js' };
    });
  },
};
const checks = createRequire(import.meta.url)('../.size-limit.cjs');
const top = all ? Infinity : 25;

for (const check of checks.filter((c) => c.name.includes(filter))) {
  const dir = await mkdtemp(join(tmpdir(), 'size-why-'));
  try {
    const loader = Object.entries(check.import)
      .map(([file, names]) => `import ${names} from ${JSON.stringify(join(process.cwd(), file))}\nconsole.log(${names.replace(/[{}]/g, '')})\n`)
      .join('');
    const entry = join(dir, 'index.js');
    await writeFile(entry, loader);
    let config = { bundle: true, entryPoints: [entry], metafile: true, minify: true, treeShaking: true, outdir: join(dir, 'out'), write: false, format: 'esm' };
    if (check.modifyEsbuildConfig) config = check.modifyEsbuildConfig(config);
    if (without.length > 0) config = { ...config, plugins: [...(config.plugins ?? []), stubFeatures] };
    const result = await build(config);
    const main = result.outputFiles.find((f) => f.path.endsWith('index.js'));
    const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
    const inputs = Object.entries(output.inputs)
      .map(([path, { bytesInOutput }]) => [relative(process.cwd(), path).replace(/^node_modules\//, '~'), bytesInOutput])
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1]);
    const gz = gzipSync(main.contents, { level: 9 }).length;
    console.log(`\n${check.name}: ${main.contents.length} B minified, ${gz} B gz${check.limit ? ` (budget ${check.limit})` : ""}`);
    if (stubbed.size > 0) console.log(`  without ${[...stubbed].sort().join(', ')}`);
    stubbed.clear();
    for (const [path, bytes] of inputs.slice(0, top)) console.log(`  ${String(bytes).padStart(6)}  ${path}`);
    if (inputs.length > top) console.log(`  … ${inputs.length - top} more (--all)`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
