/**
 * How much of a page's upload our worker holds: the worker's V8 heap and ArrayBuffer backing
 * stores (CDP Runtime.getHeapUsage on the service worker target), sampled every 20 ms while one
 * upload of SIZE_MB (default 200) goes through `resilientFetch` to an upstream that answers 503
 * then 200, under the default policy (maxBufferedBodyBytes 1 MiB). Chromium only (CDP).
 *
 *   npx tsx bench/upload-memory.ts [outDir]     (SIZE_MB=50 to try smaller)
 */
import { chromium, type CDPSession } from '@playwright/test';
import { startChaosUpstream } from '../demo-app/server/chaos-upstream.js';
import { startStaticServer } from '../demo-app/server/static-server.js';
import { buildApp } from '../scripts/build-app.js';

const sizeMb = Number(process.env.SIZE_MB ?? 200);
const outDir = process.argv[2] ?? 'dist-upload-memory';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface HeapUsage { usedSize: number; totalSize: number; backingStorageSize?: number; embedderHeapUsedSize?: number }

/** Runtime.getHeapUsage on a target reached through the browser session (Playwright has no worker sessions). */
function heapOf(browserSession: CDPSession, sessionId: string): () => Promise<HeapUsage> {
  let id = 0;
  const waiting = new Map<number, (value: HeapUsage) => void>();
  browserSession.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: HeapUsage };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result!);
  });
  return () => new Promise<HeapUsage>((resolve) => {
    const n = ++id;
    waiting.set(n, resolve);
    void browserSession.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }) });
  });
}

await buildApp({ root: 'tests/e2e/app', outDir, workers: { 'sw-workbox': '../workbox/sw.ts' } });
const app = await startStaticServer({ root: outDir });
const up = await startChaosUpstream({ name: 'upstream-1', maxBodyBytes: (sizeMb + 1) * 1024 * 1024 });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${app.url}/`);
  const registered = await page.evaluate(() => window.harness.register({}));
  if (!registered.ok) throw new Error(`register: ${registered.error}`);
  const session = await browser.newBrowserCDPSession();
  const { targetInfos } = (await session.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
  const worker = targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(app.url));
  if (worker === undefined) throw new Error('no service worker target');
  const { sessionId } = (await session.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })) as { sessionId: string };
  const heap = heapOf(session, sessionId);
  const held = (h: HeapUsage) => h.usedSize + (h.backingStorageSize ?? 0);
  const before = await heap();

  up.setFaults({ failFirst: 1, errorStatus: 503 });
  let done = false;
  const started = Date.now();
  const call = page.evaluate(([u, b]) => window.harness.upload(u, b, 'blob', { method: 'POST', headers: { 'Content-Type': 'text/plain', 'Idempotency-Key': 'big' } }), [`${up.url}/api/upload`, sizeMb * 1024 * 1024] as const)
    .finally(() => (done = true));
  let peak = before;
  while (!done && Date.now() - started < 120_000) {
    const now = await heap();
    if (held(now) > held(peak)) peak = now;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const result = await call;
  const posts = up.requests().filter((r) => r.method === 'POST');
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  console.log(`upload of ${sizeMb} MB: ${'error' in result ? result.error.message : `${result.status} after ${result.meta.attempts}`}; upstream received ${posts.map((p) => `${p.status} (${mb(p.bodyBytes)})`).join(', ')}`);
  console.log(`worker before: heap ${mb(before.usedSize)}, buffers ${mb(before.backingStorageSize ?? NaN)}; peak during the call: heap ${mb(peak.usedSize)}, buffers ${mb(peak.backingStorageSize ?? NaN)} (held: +${mb(held(peak) - held(before))})`);
} finally {
  await browser.close();
  await Promise.all([app.close(), up.close()]);
}
