/// <reference lib="webworker" />
/** Workbox as its docs set up a network-first API route: NetworkFirst with a 3 s network timeout. */
import { clientsClaim } from 'workbox-core';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

declare const self: ServiceWorkerGlobalScope;

void self.skipWaiting();
clientsClaim();
registerRoute(({ url }) => url.pathname.startsWith('/api/'), new NetworkFirst({ networkTimeoutSeconds: 3 }), 'GET');
