/**
 * `npx tsx bench/sw/trace-cold.ts` — what runs on a service worker's thread during a cold start,
 * from a Chromium trace (a diagnostic for bench:sw's cold-start row, not a benchmark).
 *
 * One session as bench:sw builds it; for each worker (bare, ours with the cache on, ours with the
 * cache off), TRACE_ROUNDS cold starts (CDP ServiceWorker.stopAllWorkers, then one request) under
 * one browser trace. Per worker thread start, the thread's top-level tasks are listed from its
 * first event, with the trace events nested in each (self time by name), and then the median of
 * each event name's total over the starts. TRACE_ROUNDS (15), TRACE_ONLY (bare,ours,nocache),
 * TRACE_CATEGORIES. With `disabled-by-default-v8.cpu_profiler` among the categories, V8's samples
 * of each start up to its respondWith are summed per function too (names and columns are the
 * minified build's; the sampler inflates every figure, so read shares: it put ~45 % of our
 * fetch handler's time in Blink's own `fetch`, round 5 of bench/PROFILE.md).
 */
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from '@playwright/test';
import { BARE, OURS, registerOurs, registerPlain, runBatch, sleep, startSession, withQuery, type WorkerScript } from './session.js';

const ROUNDS = Number(process.env.TRACE_ROUNDS ?? 15);
const log = (m: string) => process.stderr.write(`[trace-cold] ${m}\n`);

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: Record<string, unknown> & { name?: string };
}

async function stopWorkers(cdp: CDPSession): Promise<void> {
  await cdp.send('ServiceWorker.stopAllWorkers');
  await sleep(150);
}

async function main(): Promise<void> {
  const e = await startSession(log);
  try {
    const kinds: { key: string; script: WorkerScript; ours: boolean }[] = [
      { key: 'bare', script: BARE, ours: false },
      { key: 'ours', script: OURS, ours: true },
      { key: 'nocache', script: withQuery(OURS, 'nocache'), ours: true },
    ];
    const only = process.env.TRACE_ONLY?.split(',');
    const report: string[] = [];
    for (const kind of kinds.filter((k) => only === undefined || only.includes(k.key))) {
      const { context, page } = await e.newPage([]);
      if (kind.ours) await registerOurs(page, kind.script);
      else await registerPlain(page, kind.script);
      const caller = kind.ours ? 'resilientFetch' : 'fetch';
      const url = `${e.up.url}/api/trace/${kind.key}`;
      await runBatch(page, caller, url, 25);
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      // One untraced cold start first, so the trace holds only the steady cold path.
      await stopWorkers(cdp);
      await runBatch(page, caller, url, 1);
      await e.browser.startTracing(page, {
        categories: (process.env.TRACE_CATEGORIES ?? 'toplevel,v8,blink,ServiceWorker,IndexedDB,loading').split(','),
      });
      const pageMs: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await stopWorkers(cdp);
        pageMs.push(...(await runBatch(page, caller, url, 1)).ms);
        await sleep(100);
      }
      const buffer = await e.browser.stopTracing();
      writeFileSync(`/tmp/trace-cold-${kind.key}.json`, buffer);
      report.push(`## ${kind.key}: page ms ${pageMs.map((x) => x.toFixed(1)).join(' ')}`, ...analyse(JSON.parse(buffer.toString()) as { traceEvents: TraceEvent[] }));
      await cdp.detach();
      await context.close();
    }
    process.stdout.write(`${report.join('\n')}\n`);
  } finally {
    await e.close();
  }
}

/** Worker threads of the trace, each start on its own thread: their tasks and what is in them. */
function analyse(trace: { traceEvents: TraceEvent[] }): string[] {
  const events = trace.traceEvents;
  const names = new Map<string, string>();
  for (const ev of events) if (ev.ph === 'M' && ev.name === 'thread_name') names.set(`${ev.pid}:${ev.tid}`, String(ev.args?.name));
  const threads = [...names].filter(([, n]) => /ServiceWorker/i.test(n)).map(([k]) => k);
  const out: string[] = [];
  const totals = new Map<string, number[]>();
  for (const key of threads) {
    const own = events.filter((ev) => `${ev.pid}:${ev.tid}` === key && ev.ph === 'X' && ev.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    if (own.length === 0) continue;
    const t0 = own[0]!.ts;
    const end = Math.max(...own.map((ev) => ev.ts + (ev.dur ?? 0)));
    out.push(`### thread ${key} (${names.get(key)}), ${((end - t0) / 1000).toFixed(2)} ms first → last event`);
    // Self time per event name (nested X events on one thread are properly nested).
    const stack: TraceEvent[] = [];
    const self = new Map<TraceEvent, number>();
    for (const ev of own) {
      while (stack.length > 0 && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= ev.ts) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent !== undefined) self.set(parent, (self.get(parent) ?? parent.dur!) - ev.dur!);
      self.set(ev, self.get(ev) ?? ev.dur!);
      (ev as TraceEvent & { depth?: number }).depth = stack.length;
      stack.push(ev);
    }
    const perName = new Map<string, number>();
    for (const [ev, s] of self) perName.set(ev.name, (perName.get(ev.name) ?? 0) + s);
    for (const [n, s] of perName) totals.set(n, [...(totals.get(n) ?? []), s]);
    for (const ev of own) {
      const depth = (ev as TraceEvent & { depth?: number }).depth ?? 0;
      if (depth > 2 || ev.dur! < 30) continue;
      const detail = ev.args?.data !== undefined ? JSON.stringify(ev.args.data).slice(0, 100) : '';
      out.push(`${'  '.repeat(depth)}${((ev.ts - t0) / 1000).toFixed(2)} +${(ev.dur! / 1000).toFixed(2)} ${ev.name} ${detail}`);
    }
  }
  const med = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  out.push('### self time per event name, median over worker starts (ms)');
  for (const [n, xs] of [...totals].sort((a, b) => med(b[1]) - med(a[1])).slice(0, 30)) out.push(`${med(xs).toFixed(3)} ${n} (in ${xs.length})`);
  out.push(...samplesPerFunction(events, new Set(threads)));
  return out;
}

interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber: number; columnNumber: number };
}

/** V8's CPU samples (ProfileChunk events) of each worker start up to its respondWith: self ms per function, mean per start. */
function samplesPerFunction(events: TraceEvent[], threads: Set<string>): string[] {
  const profiles = new Map<string, { thread: string; ts: number; nodes: Map<number, ProfileNode>; samples: number[]; deltas: number[] }>();
  for (const ev of events) {
    const data = ev.args?.data as { startTime?: number; cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    const id = `${ev.pid}:${(ev as TraceEvent & { id?: string }).id}`;
    if (ev.name === 'Profile' && threads.has(`${ev.pid}:${ev.tid}`)) profiles.set(id, { thread: `${ev.pid}:${ev.tid}`, ts: data?.startTime ?? ev.ts, nodes: new Map(), samples: [], deltas: [] });
    const p = ev.name === 'ProfileChunk' ? profiles.get(id) : undefined;
    if (p === undefined) continue;
    for (const node of data?.cpuProfile?.nodes ?? []) p.nodes.set(node.id, node);
    p.samples.push(...(data?.cpuProfile?.samples ?? []));
    p.deltas.push(...(data?.timeDeltas ?? []));
  }
  const responded = new Map<string, number>();
  for (const ev of events) if (ev.name === 'ServiceWorkerGlobalScope::RespondToFetchEventWithResponseStream' && !responded.has(`${ev.pid}:${ev.tid}`)) responded.set(`${ev.pid}:${ev.tid}`, ev.ts);
  const self = new Map<string, number>();
  let starts = 0;
  for (const p of profiles.values()) {
    const end = responded.get(p.thread);
    if (end === undefined) continue;
    starts++;
    let ts = p.ts;
    p.samples.forEach((nodeId, i) => {
      ts += p.deltas[i] ?? 0;
      const node = p.nodes.get(nodeId);
      if (ts > end || node === undefined) return;
      const f = node.callFrame;
      const name = `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.split('/').pop()}:${f.lineNumber + 1}:${f.columnNumber + 1}` : ''}`;
      self.set(name, (self.get(name) ?? 0) + (p.deltas[i + 1] ?? 0));
    });
  }
  if (starts === 0) return [];
  return ['### CPU samples: self ms per function until respondWith, mean per start', ...[...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([n, us]) => `${(us / 1000 / starts).toFixed(3)} ${n}`)];
}

main().catch((error: unknown) => {
  process.stderr.write(`trace-cold failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
