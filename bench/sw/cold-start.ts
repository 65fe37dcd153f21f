/**
 * Cold start: what the first request after the browser stopped an idle worker costs.
 *
 * Each round, for every entry in a freshly shuffled order: CDP `ServiceWorker.stopAllWorkers` on
 * the entry's own browser context (so only its worker stops), wait until CDP reports the worker
 * `stopped` (the command returns while it is still `stopping`), then time one request from the
 * page (call + body, as the warm runs do). That request starts the worker: the script is
 * evaluated again, ours reads its saved config and per-origin state from IndexedDB before it
 * judges the request. After each timed request (untimed) the worker's own probe (bench/app/probe.ts)
 * says where its start went: modules evaluated, state restored, first fetch event. The `ServiceWorker` domain stays enabled only to see the running status;
 * every entry pays the same.
 */
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { ProbeTimings } from '../app/probe.js';
import { runBatch, sleep } from './session.js';
import { shuffle, summarize } from './stats.js';

export interface ColdEntry {
  label: string;
  page: Page;
  context: BrowserContext;
  caller: 'fetch' | 'resilientFetch';
  url: string;
  /** The outcome key every cold request must have (see BatchResult.outcomes). */
  expected: string;
  /** Checked after every cold request; returns a complaint or undefined. */
  check?: () => string | undefined;
  samples: number[];
  outcomes: Record<string, number>;
  complaints: string[];
  /** The worker's own timings of each cold start (bench/app/probe.ts), read after the timed request. */
  probes: ProbeTimings[];
}

const STOP_TIMEOUT_MS = 5_000;
/** Untimed pause after the stop, so the stop's own teardown is not in the next request. */
const SETTLE_MS = 25;

class WorkerSwitch {
  private status = new Map<string, string>();
  private waiters: (() => void)[] = [];

  private constructor(private readonly cdp: CDPSession) {
    cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
      for (const v of event.versions) this.status.set(v.versionId, v.runningStatus);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async attach(context: BrowserContext, page: Page): Promise<WorkerSwitch> {
    const cdp = await context.newCDPSession(page);
    const sw = new WorkerSwitch(cdp);
    await cdp.send('ServiceWorker.enable');
    return sw;
  }

  /** Stops every worker of this context and resolves once none is running. */
  async stop(): Promise<void> {
    await this.cdp.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while ([...this.status.values()].some((s) => s !== 'stopped')) {
      if (Date.now() > deadline) throw new Error(`worker still ${[...this.status.values()].join('/')} ${STOP_TIMEOUT_MS} ms after stopAllWorkers`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}

export async function measureColdStarts(
  entries: ColdEntry[],
  opts: { rounds: number; random: () => number; expired: () => boolean; log: (m: string) => void },
): Promise<number> {
  const switches = new Map<ColdEntry, WorkerSwitch>();
  for (const e of entries) switches.set(e, await WorkerSwitch.attach(e.context, e.page));
  const order = entries.slice();
  let rounds = 0;
  try {
    for (; rounds < opts.rounds && !opts.expired(); rounds++) {
      shuffle(order, opts.random);
      for (const e of order) {
        await switches.get(e)!.stop();
        await sleep(SETTLE_MS);
        const r = await runBatch(e.page, e.caller, e.url, 1);
        e.samples.push(...r.ms);
        for (const [k, c] of Object.entries(r.outcomes)) e.outcomes[k] = (e.outcomes[k] ?? 0) + c;
        e.probes.push((await e.page.evaluate(() => window.swBench.json('/__probe'))) as ProbeTimings);
        const complaint = e.check?.();
        if (complaint !== undefined) e.complaints.push(`round ${rounds + 1}: ${complaint}`);
      }
      if (rounds % 10 === 9) opts.log(`cold start: round ${rounds + 1}`);
    }
  } finally {
    for (const s of switches.values()) await s.detach();
  }
  return rounds;
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(x >= 10 ? 1 : 2) : 'n/a');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

/** The cold-start table, the checks of each entry, and the target (ours p50 ≤ 1.2× bare p50). */
export function coldReport(entries: ColdEntry[], rounds: number, seconds: number): { md: string[]; target: { name: string; measured: string; pass: boolean } } {
  const bare = summarize(entries[0]!.samples);
  const md = [
    `## Cold start: the first request after CDP ServiceWorker.stopAllWorkers`,
    '',
    `${rounds} rounds (${seconds.toFixed(1)} s); each round stops every entry's worker in a shuffled order, waits until CDP reports it stopped, ` +
      `and times one request from the page (call + body). Same pages, workers and IndexedDB as the warm variants above.`,
    '',
    row(['worker', 'n', 'p50 ms', 'p95 ms', 'max ms', 'p50 / bare p50', 'p95 / bare p95']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const e of entries) {
    const x = summarize(e.samples);
    const first = e === entries[0];
    md.push(row([e.label, x.n, ms(x.p50), ms(x.p95), ms(x.max), first ? '1.00×' : `${(x.p50 / bare.p50).toFixed(2)}×`, first ? '1.00×' : `${(x.p95 / bare.p95).toFixed(2)}×`]));
  }
  md.push(
    '',
    'Inside the worker (bench/app/probe.ts; ms from the worker\'s start, median over rounds): when its script and imports were evaluated, when installResilience returned (its synchronous setup), when our saved config and state were restored (`ready`), when the first fetch event arrived, when the worker\'s own request to the upstream left, when that `fetch()` call returned (its synchronous part) and when its response headers arrived, when the promise given to respondWith resolved, when the event\'s waitUntil settled (state and cache writes), and when each IndexedDB database was opened (called → success). The page gets its answer (the table above, from the page\'s click) some ms after that: the response crosses back to the page and its body is read.',
    '',
    row(['worker', 'script evaluated', 'setup returned', 'state restored', 'first fetch event', 'upstream request sent', 'fetch() returned', 'upstream answered', 'response to respondWith', 'waitUntil settled', 'state DB open → opened', 'cache DB open → opened']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  );
  for (const e of entries) {
    const med = (pick: (p: ProbeTimings) => number | null) => {
      const xs = e.probes.map(pick).filter((x): x is number => x !== null);
      return xs.length === 0 ? '—' : ms(summarize(xs).p50);
    };
    const db = (name: string) => `${med((p) => p.idb?.[name]?.openMs ?? null)} → ${med((p) => p.idb?.[name]?.openedMs ?? null)}`;
    md.push(
      row([
        e.label,
        med((p) => p.evaluatedMs),
        med((p) => p.installedMs),
        med((p) => p.readyMs),
        med((p) => p.firstFetchMs),
        med((p) => p.upstreamStartMs),
        med((p) => p.upstreamReturnedMs ?? null),
        med((p) => p.upstreamDoneMs),
        med((p) => p.respondedMs),
        med((p) => p.settledMs),
        db('resilient-fetch-state'),
        db('resilient-fetch-cache'),
      ]),
    );
  }
  md.push('');
  for (const e of entries) {
    // Points the code under test marked (`globalThis.__rfMark(name)`, bench/app/probe.ts) for an A/B.
    const names = [...new Set(e.probes.flatMap((p) => Object.keys(p.marks ?? {})))];
    const median = (name: string) => summarize(e.probes.map((p) => p.marks?.[name]).filter((x): x is number => x !== undefined)).p50;
    if (names.length > 0) md.push(`- ${e.label}: marks (ms from the worker's start, median): ${names.sort((a, b) => median(a) - median(b)).map((n) => `${n} ${ms(median(n))}`).join(', ')}`, '');
  }
  for (const e of entries) {
    const ok = e.outcomes[e.expected] ?? 0;
    const other = Object.entries(e.outcomes).filter(([k]) => k !== e.expected);
    md.push(
      `- ${e.label}: ${ok}/${e.samples.length} cold requests were \`${e.expected}\`` +
        (other.length > 0 ? `; others: ${other.map(([k, c]) => `\`${k}\` × ${c}`).join(', ')}` : '') +
        (e.caller === 'resilientFetch' ? `; the page's handshake was asked again (a message event before the first fetch event) in ${e.probes.filter((p) => (p.messagesBeforeFetch ?? 0) > 0).length}/${e.probes.length} starts` : '') +
        (e.check === undefined || e.samples.length === 0
          ? ''
          : e.complaints.length === 0
            ? '; the upstream in outage received no request: the breaker was OPEN before the first call was judged'
            : `; ${e.complaints.slice(0, 3).join(' | ')}`),
    );
  }
  md.push('');
  const ours = summarize(entries[1]!.samples);
  const ratio = ours.p50 / bare.p50;
  const floorEntry = entries.find((e) => e.label.startsWith('floor'));
  const floor = floorEntry === undefined ? undefined : summarize(floorEntry.samples);
  if (rounds === 0) md.push('**No cold-start round ran: the time budget was spent on the warm variants (raise BENCH_SW_BUDGET_S).**', '');
  return {
    md,
    target: {
      name: 'cold start: our p50 ≤ 1.2× bare worker p50',
      measured: `${ratio.toFixed(2)}× (${ms(ours.p50)} vs ${ms(bare.p50)} ms; p95 ${ms(ours.p95)} vs ${ms(bare.p95)} ms)` + (floor === undefined ? '' : `; the floor (bare + one IndexedDB read first) ${(floor.p50 / bare.p50).toFixed(2)}×`),
      pass: rounds > 0 && ratio <= 1.2,
    },
  };
}
