/**
 * Reads V8 CPU and sampling-heap profiles (the inspector's JSON) into per-function tables:
 * self time, inclusive time (each function counted once per stack, so recursion does not
 * double it), time by area (engine, Node internals, V8 builtins, GC, ...), and bytes by
 * allocation site.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

export interface HeapProfile {
  head: HeapNode;
}

export interface Frame {
  name: string;
  where: string;
  area: string;
  us: number;
}

/** Where a frame lives, short: `core/call.js:212`, `node:internal/abort_controller:40`, `cockatiel/…`. */
function where(f: CallFrame): string {
  if (f.url === '') return '(native)';
  const url = f.url.replace(/^(file|bundle):\/\//, '/');
  const core = url.match(/\/(core\/[^/]+)$/);
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/);
  const short = core ? core[1] : pkg ? `${pkg[1]}/${pkg[2]}` : url.startsWith('node:') ? url : url.replace(/^.*\/bench\//, 'bench/');
  return `${short}:${f.lineNumber + 1}`;
}

function area(f: CallFrame): string {
  if (f.functionName === '(garbage collector)') return 'GC';
  if (f.functionName === '(program)') return 'V8 runtime (program)';
  if (f.url === '') return 'V8 builtins (native)';
  if (/\/core\/[^/]+\.(js|ts)$/.test(f.url) && !f.url.includes('node_modules')) return 'engine';
  if (f.url.startsWith('node:')) return 'Node internals';
  const pkg = f.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (pkg) return pkg[1]!;
  if (f.url.includes('/bench/')) return 'harness + fake transport';
  return 'other';
}

const nameOf = (f: CallFrame) => f.functionName || '(anonymous)';
const keyOf = (f: CallFrame) => `${nameOf(f)}\u0000${where(f)}`;

export function selfAndTotal(profile: CpuProfile): { self: Frame[]; total: Frame[]; areas: { name: string; us: number }[]; totalUs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, Frame>();
  const total = new Map<string, Frame>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  const frame = (map: Map<string, Frame>, f: CallFrame): Frame => {
    const key = keyOf(f);
    let entry = map.get(key);
    if (entry === undefined) map.set(key, (entry = { name: nameOf(f), where: where(f), area: area(f), us: 0 }));
    return entry;
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') continue;
    // A sample lasts until the next one (DevTools' convention).
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    frame(self, node.callFrame).us += us;
    areas.set(area(node.callFrame), (areas.get(area(node.callFrame)) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      const key = keyOf(f);
      if (seen.has(key)) continue;
      seen.add(key);
      frame(total, f).us += us;
    }
  }
  const sorted = (m: Map<string, Frame>) => [...m.values()].sort((a, b) => b.us - a.us);
  return { self: sorted(self), total: sorted(total), areas: [...areas].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us), totalUs };
}

export function heapSites(profile: HeapProfile): { sites: { name: string; where: string; bytes: number }[]; totalBytes: number } {
  const sites = new Map<string, { name: string; where: string; bytes: number }>();
  let totalBytes = 0;
  const visit = (n: HeapNode) => {
    if (n.selfSize > 0) {
      const key = keyOf(n.callFrame);
      let s = sites.get(key);
      if (s === undefined) sites.set(key, (s = { name: nameOf(n.callFrame), where: where(n.callFrame), bytes: 0 }));
      s.bytes += n.selfSize;
      totalBytes += n.selfSize;
    }
    for (const c of n.children) visit(c);
  };
  visit(profile.head);
  return { sites: [...sites.values()].sort((a, b) => b.bytes - a.bytes), totalBytes };
}

const envNumber = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

/** What both runtimes give the report: a way to talk to the profiler and to run the loop. */
export interface ProfileTarget {
  runtime: string;
  post(method: string, params?: object): Promise<unknown>;
  loop(ms: number): Promise<{ calls: number; ms: number }>;
  calls(n: number): Promise<void>;
  /** µs per call without the profiler, and what that figure is. */
  baseline: { usPerCall: number; what: string };
}

export async function profileTarget(t: ProfileTarget): Promise<{ profile: CpuProfile; heap: HeapProfile; run: { calls: number; ms: number }; heapCalls: number }> {
  await t.post('Profiler.enable');
  await t.post('Profiler.setSamplingInterval', { interval: 25 });
  await t.post('Profiler.start');
  const run = await t.loop(envNumber('PROFILE_MS', 3000));
  const { profile } = (await t.post('Profiler.stop')) as { profile: CpuProfile };
  await t.post('Profiler.disable');
  const heapCalls = envNumber('PROFILE_HEAP_CALLS', 20_000);
  await t.post('HeapProfiler.enable');
  await t.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await t.calls(heapCalls);
  const { profile: heap } = (await t.post('HeapProfiler.stopSampling')) as { profile: HeapProfile };
  await t.post('HeapProfiler.disable');
  return { profile, heap, run, heapCalls };
}
