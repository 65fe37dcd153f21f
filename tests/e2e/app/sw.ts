/// <reference lib="webworker" />
/**
 * The service worker of the end-to-end tests: exactly what a user writes, with a few knobs read
 * from the script URL's query so one build serves every test.
 */
import { installResilience } from '../../../src/sw/index.js';
import { outbox } from '../../../src/sw/outbox/index.js';
import { setupWorkerTracing } from '../../../src/telemetry/worker.js';

declare const self: ServiceWorkerGlobalScope;

const params = new URL(self.location.href).searchParams;
const otlp = params.get('otlp');
const propagateTo = params.getAll('propagate');

if (params.has('quotaFault')) {
  // A full disk: every write of a response body fails the way IndexedDB reports quota.
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
    if (value instanceof ArrayBuffer) throw new DOMException('simulated full disk', 'QuotaExceededError');
    return put.call(this, value, key);
  };
}

// A worker busy for a while (a loaded machine): the app's own message blocks it, so a page's
// handshake sent meanwhile is answered late (tests/e2e/one-pipeline.spec.ts).
self.addEventListener('message', (event) => {
  // An app's "update ready: reload" prompt: the page tells the waiting worker to take over.
  if ((event.data as { skipWaiting?: unknown } | null)?.skipWaiting === true) void self.skipWaiting();
  const busyMs = (event.data as { busyMs?: unknown } | null)?.busyMs;
  if (typeof busyMs !== 'number') return;
  const until = Date.now() + Math.min(busyMs, 5_000);
  while (Date.now() < until); // bounded: at most 5 s
});

// A deploy whose worker takes over open tabs at once (tests/e2e/lifecycle.spec.ts).
if (params.has('skipWaiting')) self.addEventListener('install', (event) => event.waitUntil(self.skipWaiting()));

installResilience({
  outbox, // tests/e2e/outbox.spec.ts turns it on with configure()
  // A deploy with a bad option: installResilience throws, so the script fails to evaluate.
  ...(params.has('badPolicy') ? { policy: { defaults: { timeoutMs: -1 } } } : {}),
  cache: params.has('nocache') ? false : { maxBytes: Number(params.get('cacheMaxBytes') ?? 10_000_000), maxEntryBytes: Number(params.get('cacheMaxBytes') ?? 1_000_000), ...(params.has('dbName') ? { dbName: params.get('dbName')! } : {}) },
  ...(otlp !== null ? { telemetry: setupWorkerTracing({ serviceName: 'e2e-worker', endpoint: otlp, propagateTo }) } : {}),
});
