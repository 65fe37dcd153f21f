/**
 * What an editor shows a user: every option of every public entry carries TSDoc, and an optional
 * one says its default, as a trailing parenthesis: `/** Per attempt. (10_000) *\/`. Read with the
 * TypeScript compiler from the entries package.json exports, walking from each exported function's
 * and class constructor's parameters through the named option types they take.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CACHE_DEFAULTS } from '../../src/cache/options.js';
import { DEFAULT_MAX_ORIGINS, DEFAULT_OUTBOX, DEFAULT_POLICY } from '../../src/core/defaults.js';
import { BOUNDED_BATCH_DEFAULTS } from '../../src/telemetry/bounded-batch-processor.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRIES = ['src/index.ts', 'src/core/index.ts', 'src/sw/index.ts', 'src/sw/outbox/index.ts', 'src/workbox/index.ts', 'src/telemetry/index.ts'];
const DEFAULT_AT_END = /\((?:[^()]|\([^()]*\))*\)\s*$/;

interface Stated {
  option: string;
  /** The trailing parenthesis, without its parentheses. */
  text: string;
}

interface Finding {
  option: string;
  problem: 'no TSDoc' | 'no default';
}

function optionFindings(): { findings: Finding[]; checked: number; types: string[]; stated: Stated[] } {
  const program = ts.createProgram(
    ENTRIES.map((e) => path.join(ROOT, e)),
    { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'] },
  );
  const checker = program.getTypeChecker();
  const ours = (node: ts.Node) => node.getSourceFile().fileName.startsWith(path.join(ROOT, 'src'));
  const seen = new Set<ts.Type>();
  const interfaces = new Set<string>();
  const findings: Finding[] = [];
  const stated: Stated[] = [];
  let checked = 0;

  /** The option types a parameter of this type takes, through unions, mapped types (Partial, Omit…) and inline object types. */
  function walkType(type: ts.Type, path: string): void {
    for (const member of type.isUnion() ? type.types : [type]) {
      if (seen.has(member) || member.getCallSignatures().length > 0) continue; // a callback's parameters are outputs
      seen.add(member);
      for (const property of checker.getPropertiesOfType(member)) {
        const declaration = property.declarations?.[0];
        if (declaration === undefined || !ours(declaration) || !ts.isPropertySignature(declaration)) continue;
        checked++;
        // Named by the interface that declares it (also when reached through DeepPartial or Omit), or by where an inline type sits.
        const owner = ts.isInterfaceDeclaration(declaration.parent) ? declaration.parent.name.text : path;
        if (ts.isInterfaceDeclaration(declaration.parent)) interfaces.add(owner);
        const name = `${owner}.${property.name}`;
        const doc = ts.displayPartsToString(property.getDocumentationComment(checker)).trim();
        if (doc === '') findings.push({ option: name, problem: 'no TSDoc' });
        else if ((property.flags & ts.SymbolFlags.Optional) !== 0 && !DEFAULT_AT_END.test(doc)) findings.push({ option: name, problem: 'no default' });
        const parenthesis = DEFAULT_AT_END.exec(doc)?.[0].trim();
        if (parenthesis !== undefined) stated.push({ option: name, text: parenthesis.slice(1, -1) });
        walkType(checker.getTypeOfSymbolAtLocation(property, declaration), name);
      }
    }
  }

  const walkParameters = (parameters: readonly ts.ParameterDeclaration[]) => {
    for (const parameter of parameters) walkType(checker.getTypeAtLocation(parameter), parameter.name.getText());
  };
  for (const entry of ENTRIES) {
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, entry))!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const declaration of symbol.declarations ?? []) {
        if (ts.isFunctionDeclaration(declaration)) walkParameters(declaration.parameters);
        if (ts.isVariableDeclaration(declaration)) {
          for (const signature of checker.getTypeAtLocation(declaration).getCallSignatures()) walkParameters(signature.getParameters().flatMap((p) => p.declarations?.filter(ts.isParameter) ?? []));
        }
        if (ts.isClassDeclaration(declaration)) for (const member of declaration.members) if (ts.isConstructorDeclaration(member)) walkParameters(member.parameters);
      }
    }
  }
  return { findings, checked, types: [...interfaces], stated };
}

describe('the public options, as an editor shows them', () => {
  it('each has TSDoc, and an optional one ends with its default in parentheses', () => {
    const { findings, checked, types } = optionFindings();
    // The walk reached every entry's options and the policy's fields, not only the entry points.
    expect(types).toEqual(expect.arrayContaining(['RegisterOptions', 'ResilienceConfig', 'CreateOptions', 'CallOptions', 'BreakerPolicy', 'RetryPolicy', 'OutboxPolicy', 'IdbResponseCacheOptions', 'ResilientStrategyOptions', 'WorkerTracingOptions', 'PageTracingOptions']));
    expect(checked).toBeGreaterThan(100);
    expect(findings.map((f) => `${f.option}: ${f.problem}`)).toEqual([]);
  }, 60_000);

  it('the default an option states is the one the code uses', () => {
    // Where each documented owner's defaults live in the code.
    const sources: Record<string, unknown> = {
      OriginPolicy: DEFAULT_POLICY,
      BreakerPolicy: DEFAULT_POLICY.breaker,
      RetryPolicy: DEFAULT_POLICY.retry,
      OutboxPolicy: DEFAULT_OUTBOX,
      PolicyConfig: { maxOrigins: DEFAULT_MAX_ORIGINS },
      IdbResponseCacheOptions: CACHE_DEFAULTS,
      BoundedBatchOptions: BOUNDED_BATCH_DEFAULTS,
    };
    let compared = 0;
    const wrong: string[] = [];
    for (const { option, text } of new Map(optionFindings().stated.map((s) => [s.option, s])).values()) {
      const [owner, ...fields] = option.split('.');
      let actual: unknown = sources[owner!];
      for (const field of fields) actual = (actual as Record<string, unknown> | undefined)?.[field];
      if (actual === undefined) continue; // an owner or field with no defaults object to check against
      // The value before any explanation ("2_500; follows a longer openMs…"), read as a JS literal.
      let statedValue: unknown;
      try {
        const literal = text.split(/[;:] /)[0]!.replace(/^`(.*)`$/, '$1').replaceAll(/(\d)_(\d)/g, '$1$2'); // `'x'` is code-formatted 'x'
        statedValue = new Function(`return (${literal});`)();
      } catch {
        continue; // prose ("10 MiB", "7 days"): not machine-checked
      }
      compared++;
      if (JSON.stringify(statedValue) !== JSON.stringify(actual)) wrong.push(`${option}: says (${text}), the code uses ${JSON.stringify(actual)}`);
    }
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(25); // the policy's numbers were read, not skipped as prose
  }, 60_000);
});

describe('resilient-fetch/core', () => {
  it('exports the engine and nothing of its internals (no ResolvedPolicy, merge or helpers)', async () => {
    const core = await import('../../src/core/index.js');
    expect(Object.keys(core).sort()).toEqual(['DEFAULT_POLICY', 'ResilienceError', 'createResilientFetch', 'describeResponse']);
  });
});

describe("the README's policy defaults", () => {
  it('are the ones the engine uses (DEFAULT_POLICY)', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /^### Policy defaults\n\n```ts\n([\s\S]*?)^```$/m.exec(readme)?.[1];
    expect(block).toBeDefined();
    const literal = block!.replaceAll(/\/\/.*$/gm, '').replaceAll(/(\d)_(\d)/g, '$1$2');
    expect(new Function(`return (${literal});`)()).toEqual(DEFAULT_POLICY);
  });
});
