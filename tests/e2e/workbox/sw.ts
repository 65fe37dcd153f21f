/// <reference lib="webworker" />
/**
 * A Workbox service worker as a Workbox user writes one: `registerRoute` with our strategy and
 * the app's own plugins. One plugin writes down every callback it sees (read back from
 * `/__workbox-log`); another answers with an offline page when the strategy has nothing to give.
 * The upstream's origin comes in the script URL's query (`?api=`).
 */
import type { WorkboxPlugin } from 'workbox-core/types.js';
import { registerRoute } from 'workbox-routing';
import { describeResponse } from '../../../src/core/describe.js';
import { ResilientStrategy } from '../../../src/workbox/index.js';

declare const self: ServiceWorkerGlobalScope;

const params = new URL(self.location.href).searchParams;
const api = params.get('api');
/** Retries of the API route (tests/e2e/one-pipeline.spec.ts); none by default. */
const retries = Number(params.get('retries') ?? 0);
const log: string[] = [];
const path = (url: string): string => new URL(url).pathname;

const recorder: WorkboxPlugin = {
  requestWillFetch: async ({ request }) => (log.push(`requestWillFetch ${path(request.url)}`), request),
  fetchDidSucceed: async ({ request, response }) => (log.push(`fetchDidSucceed ${path(request.url)} ${response.status}`), response),
  fetchDidFail: async ({ request, error }) => void log.push(`fetchDidFail ${path(request.url)} ${error.name}`),
  cacheWillUpdate: async ({ request, response }) => (log.push(`cacheWillUpdate ${path(request.url)}`), response),
  handlerWillRespond: async ({ request, response }) => (log.push(`handlerWillRespond ${path(request.url)} ${describeResponse(response).source}`), response),
};

const offlinePage: WorkboxPlugin = {
  handlerDidError: async ({ request, error }) => {
    const reason = (error as Error & { reason?: string }).reason ?? error.name;
    log.push(`handlerDidError ${path(request.url)} ${reason}`);
    return new Response('<h1>You are offline</h1>', { headers: { 'Content-Type': 'text/html', 'X-Offline-Page': reason } });
  },
};

registerRoute(
  ({ url }) => url.origin === api,
  new ResilientStrategy({
    plugins: [recorder, offlinePage],
    policy: { defaults: { retry: { maxRetries: retries, baseDelayMs: 1, jitter: 'none' }, breaker: { minimumCalls: 3, failureRateThreshold: 0.5, openMs: 60_000 } } },
  }),
);
registerRoute(({ url }) => url.origin === self.location.origin && url.pathname === '/__workbox-log', async () => Response.json(log));

// Writes to the upstream, through a third instance that may retry (only what may be sent again).
const writes = new ResilientStrategy({ cacheName: 'writes', cache: false, policy: { defaults: { retry: { maxRetries: 1, baseDelayMs: 1, jitter: 'none' } } } });
for (const method of ['POST', 'PUT'] as const) registerRoute(({ url }) => url.origin === api, writes, method);

// Pages under /nav/, with navigation preload on: a second instance (its own cacheName) that retries.
registerRoute(
  ({ request, url }) => request.mode === 'navigate' && url.pathname.startsWith('/nav/'),
  new ResilientStrategy({ cacheName: 'pages', cache: false, policy: { defaults: { retry: { maxRetries: 1, baseDelayMs: 1, jitter: 'none' } } } }),
);

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(Promise.all([self.registration.navigationPreload.enable(), self.clients.claim()])));
