import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The files a page downloads before its first call: the entry and what it imports statically. */
async function staticGraph(): Promise<{ inputs: string[]; lazy: string[] }> {
  const result = await build({
    entryPoints: ['src/index.ts'],
    bundle: true,
    format: 'esm',
    splitting: true,
    outdir: 'out',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = (result.metafile as Metafile).outputs;
  const entry = Object.keys(outputs).find((name) => outputs[name]!.entryPoint === 'src/index.ts')!;
  const seen = new Set<string>();
  const lazy = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imported of outputs[name]!.imports) {
      if (imported.kind === 'dynamic-import') lazy.add(imported.path);
      else if (imported.kind === 'import-statement') visit(imported.path);
    }
  };
  visit(entry);
  const inputs = [...seen].flatMap((name) => Object.keys(outputs[name]!.inputs));
  const lazyInputs = [...lazy].flatMap((name) => Object.keys(outputs[name]?.inputs ?? {}));
  return { inputs, lazy: lazyInputs };
}

describe('the page entry', () => {
  it('loads neither the engine, the cache nor OpenTelemetry until a call finds no worker of ours', async () => {
    const { inputs, lazy } = await staticGraph();
    expect(inputs.filter((file) => file.includes('node_modules'))).toEqual([]);
    expect(inputs.filter((file) => /src\/(cache\/|core\/engine|core\/call|telemetry\/page-tracing)/.test(file))).toEqual([]);
    expect(lazy).toContain('src/core/engine.ts');
    expect(lazy).toContain('src/cache/idb-response-cache.ts');
  });
});
