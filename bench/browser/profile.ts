/**
 * bench:profile `--browser`: the same focused loop in headless Chromium (the bench:core page
 * bundle), profiled over CDP with the same Profiler/HeapProfiler calls as in Node, so
 * lib/profile-analysis.ts reads both alike.
 */
import type { CpuProfile, HeapProfile, ProfileTarget, profileTarget } from '../lib/profile-analysis.js';
import { bundlePage, withBenchPage } from './run.js';

type Result = Awaited<ReturnType<typeof profileTarget>>;

export async function profileInChromium(
  coreEntry: string | undefined,
  name: string,
  profile: typeof profileTarget,
): Promise<{ label: string; target: ProfileTarget; result: Result }> {
  const script = await bundlePage('page.ts', coreEntry);
  return withBenchPage(script, async (page, info) => {
    const label = await page.evaluate((n) => window.coreBench.prepare!(n), name);
    const plain = await page.evaluate(() => window.coreBench.loop!(1500));
    const cdp = await page.context().newCDPSession(page);
    const target: ProfileTarget = {
      runtime: `Chromium ${info.version}`,
      post: (method, params) => cdp.send(method as 'Profiler.enable', params as undefined),
      loop: (ms) => page.evaluate((m) => window.coreBench.loop!(m), ms),
      calls: (n) => page.evaluate((k) => window.coreBench.calls!(k), n),
      baseline: {
        usPerCall: (plain.ms * 1000) / plain.calls,
        what: `**${((plain.ms * 1000) / plain.calls).toFixed(2)} µs per call without the profiler** (wall time; a page has no CPU clock; ${info.isolated ? 'cross-origin isolated, 5 µs timer' : '100 µs timer'})`,
      },
    };
    const result = await profile(target);
    await cdp.detach();
    const locate = moduleLocator(script);
    for (const n of result.profile.nodes) locate(n.callFrame);
    const visit = (n: HeapProfile['head']) => (locate(n.callFrame), n.children.forEach(visit));
    visit(result.heap.head);
    return { label, target, result };
  });
}

type CallFrame = CpuProfile['nodes'][number]['callFrame'];

/**
 * Maps a frame in the bundle (bench.js, line N) back to its module: esbuild marks where each
 * module starts with a `// path/to/module.js` line when it does not minify. Lines become lines
 * of the module as esbuild printed it (close to, not exactly, the source's).
 */
function moduleLocator(script: string): (frame: CallFrame) => void {
  const starts: { line: number; path: string }[] = [];
  script.split('\n').forEach((text, i) => {
    const m = /^\/\/ (\S+\.(?:js|ts|mjs|cjs))$/.exec(text);
    if (m) starts.push({ line: i, path: m[1]! });
  });
  return (frame) => {
    if (!frame.url.endsWith('/bench.js')) return;
    let found: { line: number; path: string } | undefined;
    for (const s of starts) {
      if (s.line > frame.lineNumber) break;
      found = s;
    }
    if (found === undefined) return;
    frame.url = `bundle:/${found.path}`;
    frame.lineNumber -= found.line + 1;
  };
}
