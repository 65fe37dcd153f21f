/**
 * Every TypeScript sample in README.md compiles against the public entries, as a user who copies
 * it into an app would compile it: `resilient-fetch`, `resilient-fetch/core`, … resolved through
 * package.json's exports to the sources, strict, the worker's samples against the WebWorker lib
 * and the page's against the DOM. A misnamed option (`tracer` for `tracing`), a wrong type or a
 * name the README never says where to import fails here instead of in a reader's editor.
 *
 * A sample may leave values to the reader (`policy`, `body`, `offlinePage`): those are declared
 * below with the type the reader's own value would have. A sample with no `import` continues
 * the README's page code and sees the page sample's imports (and no others).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** `resilient-fetch/x` → src/x.ts, from package.json's exports (dist/x.d.ts). */
function entryPaths(): Record<string, string[]> {
  const { exports } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string }> };
  const paths: Record<string, string[]> = {};
  for (const [subpath, { types }] of Object.entries(exports)) {
    paths[path.posix.join('resilient-fetch', subpath)] = [types.replace(/^\.\/dist\//, './src/').replace(/\.d\.ts$/, '.ts')];
  }
  return paths;
}

/** What the README leaves to the reader, typed as the reader's value would be. */
const PLACEHOLDERS = `
import type { PolicyConfig, ResilienceEvent, Clock, StateStore, ResponseCache, TracingPort } from 'resilient-fetch/core';
declare global {
  const policy: PolicyConfig;
  const body: BodyInit;
  const id: string;
  const user: { id: string };
  function show(message: string): void;
  const clock: Clock;
  function random(): number;
  const store: StateStore;
  const cache: ResponseCache;
  const tracing: TracingPort;
  function onEvent(event: ResilienceEvent): void;
  const offlinePage: import('workbox-core/types.js').WorkboxPlugin;
}
export {};
`;

/** What the README's page sample imports; a sample without imports continues it. */
const PAGE_IMPORTS = "import { registerResilience, resilientFetch, describeResponse } from 'resilient-fetch';\n";

/**
 * What the README's prose names, written as a reader would use it: each with the README phrase it
 * rests on (checked to still be there, so a snippet cannot outlive the sentence it tests).
 */
const PROSE: { says: string; worker: boolean; code: string }[] = [
  {
    says: 'with `throwOnReject`, a `ResilienceError`\nwith reason `queued` and `outboxId`',
    worker: false,
    code: `import { ResilienceError, resilientFetch } from 'resilient-fetch';
try {
  await resilientFetch('/api/notes', { method: 'POST', body, resilience: { outbox: true, throwOnReject: true } });
} catch (e) {
  if (e instanceof ResilienceError && e.reason === 'queued') show(e.outboxId ?? '');
}`,
  },
  {
    says: "`handle.outbox.list()` (the live partition's entries and recent\nevents, per-origin backoff), `flush()`, `clear(partition?)`",
    worker: false,
    code: `import { registerResilience, type Broadcast } from 'resilient-fetch';
const handle = await registerResilience({ scriptURL: '/sw.js' });
const listing = await handle.outbox.list();
show(String(listing.origins[0]?.notBefore));
await handle.outbox.flush();
await handle.outbox.clear('alice');
await handle.clearCache('alice');
show(JSON.stringify([await handle.config(), await handle.state()]));
handle.subscribe((msg: Broadcast) => {
  if (msg.type === 'outbox' && msg.event.kind === 'failed') show(\`\${msg.event.status} \${msg.event.body}\`);
  if (msg.type === 'cache' && (msg.kind === 'stale-served' || msg.kind === 'fresh-arrived')) show(msg.url);
});`,
  },
  {
    says: '`match` takes a function, or a list of origins and RegExps',
    worker: true,
    code: `import { installResilience } from 'resilient-fetch/sw';
installResilience({ match: ['https://api.example.com', /\\/api\\//], navigations: true, log: false, version: '2' });
installResilience({ match: (url) => url.pathname.startsWith('/api/'), log: (line, record) => console.log(record.event, line) });
installResilience({ cache: { dbName: 'shop-cache', maxEntries: 200, maxBytes: 20_000_000, maxAgeMs: 86_400_000, memoryEntries: 64 } });
installResilience({ cache: false });`,
  },
  {
    says: '`fallback: { cache?: true, handler(request, reason) }` in the worker\'s own policy',
    worker: true,
    code: `import { installResilience } from 'resilient-fetch/sw';
installResilience({ policy: { defaults: {
  fallback: { cache: true, handler: (request, reason) => Response.json({ offline: true, reason, url: request.url }) },
  retry: { maxRetryAfterMs: 120_000, budgetReserve: 0 },
  breaker: { maxOpenMs: 5_000, slowCallMs: 60_000 },
  rateLimit: { perSecond: 10, burst: 20 },
  throttle: false,
  outbox: { methods: ['POST'], maxEntries: 500, maxBytes: 10_485_760, maxAgeMs: 604_800_000 },
}, maxOrigins: 64 } });`,
  },
  {
    says: 'add your own with\n`redactQueryParams` in `setupWorkerTracing`/`setupPageTracing`',
    worker: false,
    code: `import { setupPageTracing, createEventLogger } from 'resilient-fetch/telemetry';
setupPageTracing({ serviceName: 'shop', endpoint: 'https://otel.example.com/v1/traces', redactQueryParams: ['session'] });
createEventLogger({ redactQueryParams: ['session'] });`,
  },
  {
    says: 'add your own with\n`redactQueryParams` in `setupWorkerTracing`/`setupPageTracing`',
    worker: true,
    code: `import { setupWorkerTracing } from 'resilient-fetch/telemetry/worker';
setupWorkerTracing({ serviceName: 'shop-sw', endpoint: 'https://otel.example.com/v1/traces', redactQueryParams: ['session'] });`,
  },
];

interface Sample {
  line: number;
  code: string;
  worker: boolean;
}

function samples(): Sample[] {
  const found: Sample[] = [];
  for (const match of README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)) {
    const code = match[1]!;
    if (code.startsWith('{')) continue; // the policy defaults: an object, checked against DEFAULT_POLICY in public-api.test.ts
    const line = README.slice(0, match.index).split('\n').length + 1;
    const worker = /reference lib="webworker"|from 'resilient-fetch\/(sw|workbox|telemetry\/worker)|from 'workbox-/.test(code);
    found.push({ line, code, worker });
  }
  return found;
}

/** The prose snippets as samples (line 0: not in the README as code). */
function proseSamples(): Sample[] {
  return PROSE.map(({ code, worker }) => ({ line: 0, code, worker }));
}

/** Compiles each sample as its own module; the errors, each named by the README line it is on. */
function compile(list: Sample[], lib: string[]): string[] {
  const dir = path.join(ROOT, 'tests/unit/readme-samples');
  const files = new Map<string, string>([[path.join(dir, 'placeholders.ts'), PLACEHOLDERS]]);
  const sampleAt = new Map<string, { sample: Sample; prefixLines: number }>();
  for (const [index, sample] of list.entries()) {
    const prefix = /^import /m.test(sample.code) ? '' : PAGE_IMPORTS;
    const file = path.join(dir, `sample-${index}.ts`);
    files.set(file, `${prefix}${sample.code}\nexport {};\n`);
    sampleAt.set(file, { sample, prefixLines: prefix === '' ? 0 : 1 });
  }
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, noUncheckedIndexedAccess: true, isolatedModules: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib, types: [], baseUrl: ROOT, paths: entryPaths(),
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => files.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    files.has(name) ? ts.createSourceFile(name, files.get(name)!, languageVersion, true) : getSourceFile(name, languageVersion, ...rest);
  const program = ts.createProgram([...files.keys()], options, host);
  const errors: string[] = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const at = diagnostic.file === undefined ? undefined : sampleAt.get(diagnostic.file.fileName);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (at === undefined || diagnostic.start === undefined) {
      errors.push(`${diagnostic.file?.fileName ?? ''}: ${message}`); // the library itself failed to compile: say so
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    // Named by the sample's first line and the line within it, so an edit elsewhere in the README moves nothing.
    errors.push(`${JSON.stringify(at.sample.code.split('\n')[0])} +${line - at.prefixLines}: ${message}`);
  }
  return errors;
}

/**
 * Errors the README still has, each with the correction proposed to the README's owner (the lead
 * edits README.md). Listed so this test holds the rest of the README to account meanwhile; once
 * the README is corrected the entry no longer matches and this test fails until it is removed.
 */
const PENDING_README_FIXES: string[] = [];

describe("the README's TypeScript samples", () => {
  const all = samples();

  it('are found: the page, the worker, the engine, Workbox, tracing and the outbox', () => {
    const imports = all.map((s) => s.code).join('\n');
    for (const entry of ["'resilient-fetch'", "'resilient-fetch/core'", "'resilient-fetch/sw'", "'resilient-fetch/sw/outbox'", "'resilient-fetch/workbox'", "'resilient-fetch/telemetry'", "'resilient-fetch/telemetry/worker'"]) {
      expect(imports).toContain(`from ${entry}`);
    }
    expect(all.length).toBeGreaterThanOrEqual(10);
  });

  it('compile in a page (DOM lib) as a reader copies them', () => {
    expect(compile(all.filter((s) => !s.worker), ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'])).toEqual(PENDING_README_FIXES);
  }, 120_000); // a whole TypeScript program: 19-26 s each on a loaded 2-core machine

  it('compile in a service worker (WebWorker lib) as a reader copies them', () => {
    expect(compile(all.filter((s) => s.worker), ['lib.es2023.d.ts', 'lib.webworker.d.ts', 'lib.webworker.iterable.d.ts'])).toEqual([]);
  }, 120_000); // a whole TypeScript program: 19-26 s each on a loaded 2-core machine
});

describe("what the README's prose names", () => {
  it('is still said there', () => {
    const words = (text: string) => text.replaceAll(/\s+/g, ' ');
    for (const { says } of PROSE) expect(words(README)).toContain(words(says));
  });

  it('compiles as a reader would write it, in a page and in a worker', () => {
    const prose = proseSamples();
    expect([
      ...compile(prose.filter((s) => !s.worker), ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts']),
      ...compile(prose.filter((s) => s.worker), ['lib.es2023.d.ts', 'lib.webworker.d.ts', 'lib.webworker.iterable.d.ts']),
    ]).toEqual([]);
  }, 120_000); // a whole TypeScript program: 19-26 s each on a loaded 2-core machine
});
