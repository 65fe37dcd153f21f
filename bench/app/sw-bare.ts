/// <reference lib="webworker" />
/**
 * The baseline: a bare pass-through service worker, the least any fetch-handling worker costs.
 * It claims the page on activation so the benchmark page is controlled without a reload.
 */
import { installProbe } from './probe.js';

declare const self: ServiceWorkerGlobalScope;

installProbe(performance.now());

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => e.respondWith(fetch(e.request)));
