/// <reference lib="webworker" />
/**
 * The baseline: a bare pass-through service worker, the least any fetch-handling worker costs.
 * It claims the page on activation so the benchmark page is controlled without a reload.
 *
 * `?exp=bareread` (bench:sw's floor row): it also opens an IndexedDB database at the top level
 * and answers a request only once one read transaction over it is done, the least a worker that
 * restores saved state before judging a request can cost.
 */
import { installProbe } from './probe.js';

declare const self: ServiceWorkerGlobalScope;

installProbe(performance.now());

const readFirst = new URL(self.location.href).searchParams.get('exp') === 'bareread' ? readState() : undefined;

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => e.respondWith(readFirst === undefined ? fetch(e.request) : readFirst.then(() => fetch(e.request))));

function readState(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('bare-state', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('origins');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const read = open.result.transaction('origins').objectStore('origins').getAll();
      read.onsuccess = () => resolve(read.result);
      read.onerror = () => reject(read.error);
    };
  });
}
