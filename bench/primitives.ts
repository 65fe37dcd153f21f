/**
 * `npm run bench:primitives` — what the platform pieces of one call cost, in Node and in
 * headless Chromium, so a design choice in src/core can cite a figure for the runtime it serves:
 * an AbortController and its signal, a setTimeout cleared before it fires, an async function
 * frame against a `.then`, a `{ ...init, signal }` copy, a `new URL(url).origin`, `new Headers`.
 *
 * Each op runs in batches of 1000, alternating ops round by round (so machine noise lands on all
 * alike); we report the median ns per op over rounds, minus the empty loop. Plain JavaScript as
 * a string, so the same code runs in both runtimes (tsx's keepNames helpers cannot leak into the
 * page). `--node-only` skips Chromium.
 */
import { withBenchPage } from './browser/run.js';

const CODE = String.raw`
async (rounds, batch) => {
  const url = 'https://api.example.com/v1/items?page=1';
  const init = { method: 'GET', headers: { accept: 'application/json' } };
  const resolved = Promise.resolve(1);
  let sink = 0;
  async function inner() { return 1; }
  async function outer() { return await inner(); }
  const ops = {
    'empty loop': () => { sink++; },
    'new AbortController() + .signal': () => { const c = new AbortController(); sink += c.signal.aborted ? 1 : 0; },
    'setTimeout(10 s) + clearTimeout': () => { clearTimeout(setTimeout(() => {}, 10000)); },
    '{ ...init, signal } copy': () => { const o = { ...init, signal: undefined }; sink += o.method.length; },
    'new URL(url).origin': () => { sink += new URL(url).origin.length; },
    'new Headers(init.headers)': () => { sink += new Headers(init.headers).has('accept') ? 1 : 0; },
  };
  const asyncOps = {
    'await resolved promise (async fn)': async () => { sink += await resolved; },
    'two nested async frames': async () => { sink += await outer(); },
    '.then on resolved promise': () => resolved.then((v) => { sink += v; }),
  };
  const names = [...Object.keys(ops), ...Object.keys(asyncOps)];
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const N = batch;
  for (let r = 0; r < rounds; r++) {
    for (const n of names) {
      const op = ops[n] ?? asyncOps[n];
      const isAsync = n in asyncOps;
      const t0 = performance.now();
      if (isAsync) { for (let i = 0; i < N; i++) await op(); }
      else { for (let i = 0; i < N; i++) op(); }
      samples[n].push(((performance.now() - t0) * 1e6) / N);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  const median = (a) => { const s = a.slice().sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  const out = {};
  for (const n of names) out[n] = median(samples[n]);
  out.sink = sink;
  return out;
}`;

type Result = Record<string, number>;
const ROUNDS = 100;
/** Ops per sample. Larger batches make Node 20's AbortSignal and Chromium's cleared timers dearer per op (see PROFILE.md). */
const BATCH = Number(process.env.PRIMITIVES_BATCH ?? 1000);

async function inNode(): Promise<Result> {
  const fn = (0, eval)(CODE) as (rounds: number, batch: number) => Promise<Result>;
  await fn(5, BATCH);
  return fn(ROUNDS, BATCH);
}

async function inChromium(): Promise<{ version: string; result: Result }> {
  // A cross-origin isolated page: performance.now() at 5 µs rather than 100 µs.
  return withBenchPage('', async (page, info) => {
    if (!info.isolated) throw new Error('the primitives page is not cross-origin isolated');
    const result = await page.evaluate(`(${CODE})(5, ${BATCH}).then(() => (${CODE})(${ROUNDS}, ${BATCH}))`);
    return { version: info.version, result: result as Result };
  });
}

const node = await inNode();
const browser = process.argv.includes('--node-only') ? undefined : await inChromium();
const ns = (r: Result | undefined, n: string) => (r === undefined ? 'n/a' : Math.max(0, r[n]! - (n.includes('async') || n.includes('.then') || n.includes('await') ? 0 : r['empty loop']!)).toFixed(0));
const lines = [
  `ns per op, median of ${ROUNDS} rounds of ${BATCH} (sync ops net of the empty loop; shared machine, load-sensitive). Node ${process.version}${browser ? `, Chromium ${browser.version} (cross-origin isolated page, 5 µs timer)` : ''}.`,
  '',
  `| op | Node ns | Chromium ns |`,
  '| --- | ---: | ---: |',
  ...Object.keys(node)
    .filter((n) => n !== 'sink' && n !== 'empty loop')
    .map((n) => `| ${n} | ${ns(node, n)} | ${ns(browser?.result, n)} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
