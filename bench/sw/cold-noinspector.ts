/**
 * `npx tsx bench/sw/cold-noinspector.ts` — bench:sw's cold start without DevTools attached to the
 * workers (a diagnostic, not a benchmark of its own).
 *
 * Playwright attaches to every service worker of its contexts and enables the Runtime domain
 * there, which makes V8 capture full JS stacks where it would capture one frame (fetch() in a
 * worker captures one): a cost a user's browser does not have (bench/PROFILE.md, cold start
 * round 6). Here Chromium is driven over its own CDP pipe, attached to the pages only (no
 * auto-attach, so no session on any worker); `ServiceWorker.stopAllWorkers` is sent on each
 * page's session. Same build, servers, page API (window.swBench) and workers as bench:sw; each
 * variant in its own browser context; COLD_ROUNDS (60) interleaved rounds in shuffled order.
 * Prints p50s, the ratio to the bare worker and the workers' own fetch() timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProbeTimings } from '../app/probe.js';
import { BARE, OURS, sleep, startSession, withQuery, type WorkerScript } from './session.js';
import { mulberry32, summarize } from './stats.js';

const ROUNDS = Number(process.env.COLD_ROUNDS ?? 60);
const log = (m: string) => process.stderr.write(`[cold-noinspector] ${m}\n`);

/** Chromium's DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON). */
class Pipe {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private buffer = '';
  /** Per session: each worker version's running status (ServiceWorker.workerVersionUpdated). */
  readonly running = new Map<string, Map<string, string>>();
  constructor(private readonly child: ChildProcess) {
    const out = child.stdio[4] as NodeJS.ReadableStream;
    out.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let end: number;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: { versions?: { versionId: string; runningStatus: string }[] }; sessionId?: string };
        this.buffer = this.buffer.slice(end + 1);
        if (message.method === 'ServiceWorker.workerVersionUpdated' && message.sessionId !== undefined) {
          const statuses = this.running.get(message.sessionId) ?? new Map<string, string>();
          for (const v of message.params?.versions ?? []) statuses.set(v.versionId, v.runningStatus);
          this.running.set(message.sessionId, statuses);
        }
        const w = message.id !== undefined ? this.waiting.get(message.id) : undefined;
        if (w === undefined) continue;
        this.waiting.delete(message.id!);
        if (message.error !== undefined) w.reject(new Error(message.error.message));
        else w.resolve(message.result);
      }
    });
  }
  send<T = Record<string, unknown>>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.next++;
    (this.child.stdio[3] as NodeJS.WritableStream).write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    return new Promise((resolve, reject) => this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }
}

interface Entry {
  label: string;
  script: WorkerScript;
  ours: boolean;
  path: string;
  session: string;
  ms: number[];
  fetchSync: number[];
  /** The probe's own timings of each start: evaluated, first fetch event, respondWith (ms from the worker's start). */
  starts: { evaluated: number; firstFetch: number; responded: number }[];
  outcomes: Record<string, number>;
}

async function evaluate<T>(pipe: Pipe, session: string, expression: string): Promise<T> {
  const r = await pipe.send<{ result: { value: T }; exceptionDetails?: { text: string } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, session);
  if (r.exceptionDetails !== undefined) throw new Error(`${expression}: ${r.exceptionDetails.text}`);
  return r.result.value;
}

async function main(): Promise<void> {
  const e = await startSession(log);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'rf-cold-noinspector-'));
  const chromium = spawn(
    process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--remote-debugging-pipe', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
  );
  try {
    const pipe = new Pipe(chromium);
    const entries: Entry[] = [];
    for (const [label, script, ours, p] of [
      ['bare pass-through worker', BARE, false, 'bare'],
      ['ours, cache on', OURS, true, 'ours'],
      ['ours, cache on (replica)', withQuery(OURS, 'exp=rep'), true, 'rep'],
      ['ours, cache off', withQuery(OURS, 'nocache'), true, 'nocache'],
      ['floor: bare worker + one IndexedDB read first', withQuery(BARE, 'exp=bareread'), false, 'floor'],
    ] as const) {
      const { browserContextId } = await pipe.send<{ browserContextId: string }>('Target.createBrowserContext');
      const { targetId } = await pipe.send<{ targetId: string }>('Target.createTarget', { url: e.app.url + '/', browserContextId });
      const { sessionId } = await pipe.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      for (let i = 0; i < 100 && !(await evaluate<boolean>(pipe, sessionId, '!!window.swBench')); i++) await sleep(50);
      const registered = ours ? `window.swBench.registerOurs(${JSON.stringify(script.url)}, ${JSON.stringify(script.type)})` : `window.swBench.registerPlain(${JSON.stringify(script.url)}, ${JSON.stringify(script.type)})`;
      if (!(await evaluate<boolean>(pipe, sessionId, registered))) throw new Error(`${label}: not controlled`);
      await pipe.send('ServiceWorker.enable', {}, sessionId);
      const entry: Entry = { label, script, ours, path: p, session: sessionId, ms: [], fetchSync: [], starts: [], outcomes: {} };
      await run(pipe, e.up.url, entry, 25); // warm-up, as bench:sw's warm variants
      entry.ms = [];
      entry.outcomes = {};
      entries.push(entry);
    }
    const random = mulberry32(0xc01d);
    for (let round = 0; round < ROUNDS; round++) {
      const order = [...entries].sort(() => random() - 0.5);
      for (const entry of order) {
        await pipe.send('ServiceWorker.stopAllWorkers', {}, entry.session);
        const deadline = Date.now() + 5_000;
        while ([...(pipe.running.get(entry.session)?.values() ?? [])].some((s) => s !== 'stopped')) {
          if (Date.now() > deadline) throw new Error(`${entry.label}: worker not stopped`);
          await sleep(10);
        }
        if ((pipe.running.get(entry.session)?.size ?? 0) === 0) throw new Error(`${entry.label}: no worker status reported`);
        await sleep(50);
        await run(pipe, e.up.url, entry, 1);
        const probe = await evaluate<ProbeTimings>(pipe, entry.session, `window.swBench.json('/__probe')`);
        if (probe.upstreamStartMs !== null && probe.upstreamReturnedMs !== null) entry.fetchSync.push(probe.upstreamReturnedMs - probe.upstreamStartMs);
        entry.starts.push({ evaluated: probe.evaluatedMs, firstFetch: probe.firstFetchMs ?? NaN, responded: probe.respondedMs ?? NaN });
      }
      if ((round + 1) % 10 === 0) log(`round ${round + 1}`);
    }
    const bare = summarize(entries[0]!.ms).p50;
    console.log(`| worker | n | p50 ms | p50 / bare | evaluated | first fetch event | respondWith | fetch() sync | outcomes |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |`);
    for (const entry of entries) {
      const p50 = summarize(entry.ms).p50;
      const m = (pick: (s: Entry['starts'][number]) => number) => summarize(entry.starts.map(pick).filter((x) => !Number.isNaN(x))).p50.toFixed(2);
      console.log(`| ${entry.label} | ${entry.ms.length} | ${p50.toFixed(1)} | ${(p50 / bare).toFixed(2)}× | ${m((s) => s.evaluated)} | ${m((s) => s.firstFetch)} | ${m((s) => s.responded)} | ${summarize(entry.fetchSync).p50.toFixed(2)} | ${JSON.stringify(entry.outcomes)} |`);
    }
  } finally {
    chromium.kill();
    await e.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function run(pipe: Pipe, upstream: string, entry: Entry, n: number): Promise<void> {
  const caller = entry.ours ? 'resilientFetch' : 'fetch';
  const url = `${upstream}/api/noinspector/${entry.path}`;
  const r = await evaluate<{ ms: number[]; outcomes: Record<string, number> }>(pipe, entry.session, `window.swBench.run(${JSON.stringify(caller)}, ${JSON.stringify(url)}, ${n})`);
  entry.ms.push(...r.ms);
  for (const [k, v] of Object.entries(r.outcomes)) entry.outcomes[k] = (entry.outcomes[k] ?? 0) + v;
}

await main();
