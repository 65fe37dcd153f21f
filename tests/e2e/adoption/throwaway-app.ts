import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServerHandle } from '../../../demo-app/server/static-server.js';

export const REPO = path.resolve(fileURLToPath(import.meta.url), '../../../..');

/**
 * Throwaway apps live in the repository's gitignored `.adoption/` folder so that their build tools
 * (vite, vite-plugin-pwa, Serwist, Workbox, OpenTelemetry: this repo's exact-pinned
 * devDependencies) resolve from the repository's node_modules without touching the network; only
 * the packed tarball (and idb, from the npm cache) is installed into each app. One folder per test
 * run (RF_ADOPTION_RUN, set by global-setup), so every test of a run shares one tarball.
 */
function runDir(): string {
  return path.join(REPO, '.adoption', process.env.RF_ADOPTION_RUN ?? `run-${process.ppid}`);
}

/** Runs a command; rejects with its output when it fails or outlives `timeoutMs`. */
function run(command: string, args: string[], cwd: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) ended with ${code ?? signal}:\n${output}`));
    });
  });
}

/** Newest (or oldest) modification time of the files under `dir`; undefined when there are none. */
async function mtimeOf(dir: string, pick: (a: number, b: number) => number): Promise<number | undefined> {
  if (!existsSync(dir)) return undefined;
  let found: number | undefined;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const time = (await stat(path.join(entry.parentPath, entry.name))).mtimeMs;
    found = found === undefined ? time : pick(found, time);
  }
  return found;
}

/** dist/ is older than a source file, or missing: `npm run build` (two tsc runs, ~6 s on a quiet machine). */
async function distIsStale(): Promise<boolean> {
  const [newestSource, oldestBuilt] = await Promise.all([mtimeOf(path.join(REPO, 'src'), Math.max), mtimeOf(path.join(REPO, 'dist'), Math.min)]);
  return oldestBuilt === undefined || newestSource === undefined || newestSource > oldestBuilt;
}

/**
 * `npm pack` (after `npm run build` when dist/ is stale), once per run: the first test to ask
 * does it (an exclusive mkdir is the lock), the others wait for its tarball.
 */
export async function packedTarball(): Promise<string> {
  const dir = runDir();
  await mkdir(dir, { recursive: true });
  const done = path.join(dir, 'tarball.txt');
  const failed = path.join(dir, 'pack-failed.txt');
  try {
    await mkdir(path.join(dir, 'pack.lock'));
  } catch {
    for (let waited = 0; waited < 180_000; waited += 200) {
      if (existsSync(done)) return readFile(done, 'utf8');
      if (existsSync(failed)) throw new Error(await readFile(failed, 'utf8'));
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no tarball in ${dir} after 180 s`);
  }
  try {
    if (await distIsStale()) await run('npm', ['run', 'build'], REPO, 180_000);
    const packed = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', dir], REPO)) as { filename: string }[];
    const tarball = path.join(dir, packed[0]!.filename);
    await writeFile(done, tarball);
    return tarball;
  } catch (error) {
    await writeFile(failed, String(error));
    throw error;
  }
}

export interface ThrowawayApp {
  dir: string;
  /** `vite build` in the app, as its developer would run it. */
  build(): Promise<void>;
  /** Serves the built app (dist/) on 127.0.0.1. */
  serve(): Promise<StaticServerHandle>;
  /** The packages npm installed into the app (its node_modules, scoped names included). */
  installed(): Promise<string[]>;
}

/** Writes an app's files and installs the packed tarball into it, offline. */
export async function createApp(name: string, files: Record<string, string>): Promise<ThrowawayApp> {
  const tarball = await packedTarball();
  const dir = path.join(runDir(), name);
  await mkdir(dir, { recursive: true });
  const all: Record<string, string> = {
    'package.json': JSON.stringify({ name, private: true, type: 'module' }, null, 2),
    // Its own tsconfig, so Vite does not pick up the repository's while transforming the app.
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'bundler', strict: true } }),
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  await run('npm', ['install', '--offline', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', tarball], dir);
  return {
    dir,
    build: async () => void (await run(process.execPath, [path.join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], dir)),
    serve: () => startStaticServer({ root: path.join(dir, 'dist') }),
    installed: async () => {
      const names: string[] = [];
      for (const name of await readdir(path.join(dir, 'node_modules'))) {
        if (name.startsWith('.')) continue;
        if (name.startsWith('@')) names.push(...(await readdir(path.join(dir, 'node_modules', name))).map((n) => `${name}/${n}`));
        else names.push(name);
      }
      return names.sort();
    },
  };
}

/** The page of every throwaway app: it loads the app's main module. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>throwaway app</title></head>
  <body><script type="module" src="/src/main.ts"></script></body>
</html>
`;
