/// <reference lib="webworker" />
/**
 * The demo's service worker: what an app writes, plus a heartbeat the dashboard uses to show
 * which worker instance is running (so a browser stopping the idle worker, and the state that
 * survives it, can be seen).
 *
 * Its settings come from the script URL's query, written by the page from /demo-config.json:
 * `otlp` (the receiver's /v1/traces URL) and `up` (each upstream origin, repeated). The query
 * rather than `import.meta.env`: the ports are only known when the demo starts.
 */
import { installResilience } from '../src/sw/index.js';
import { outbox } from '../src/sw/outbox/index.js';
import { setupWorkerTracing } from '../src/telemetry/worker.js';
import { WORKER_CHANNEL, type WorkerHeartbeat } from './worker-heartbeat.js';

declare const self: ServiceWorkerGlobalScope;

const params = new URL(self.location.href).searchParams;
const otlp = params.get('otlp');
const upstreams = params.getAll('up').map((u) => new URL(u).origin);

const telemetry = otlp !== null ? setupWorkerTracing({ serviceName: 'demo-worker', endpoint: otlp }) : undefined;

installResilience({
  // Only the upstreams' API; their /__chaos control routes and everything else go straight to the
  // network, so the dashboard can still switch an outage off while the breaker is open.
  // (resilientFetch calls are always handled, whatever this says.)
  match: (url) => upstreams.includes(url.origin) && !url.pathname.startsWith('/__chaos'),
  cache: { maxBytes: 5_000_000, maxEntryBytes: 256_000 },
  // The outbox panel writes notes with `outbox: true`; a worker takes them only with the outbox installed.
  outbox,
  ...(telemetry !== undefined ? { telemetry } : {}),
});

// A demo choice, not the library's: take over from an older demo worker at once (the demo server
// may have restarted on other ports), instead of waiting for every tab to close.
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

// Heartbeat. A BroadcastChannel message does not start a stopped worker, so "no answer" truly
// means the browser has stopped it.
const instance: WorkerHeartbeat = { type: 'alive', instance: crypto.randomUUID().slice(0, 8), startedAt: Date.now() };
const channel = new BroadcastChannel(WORKER_CHANNEL);
channel.onmessage = (event: MessageEvent<{ type?: string }>) => {
  if (event.data?.type === 'ping') channel.postMessage(instance);
};
channel.postMessage(instance);
