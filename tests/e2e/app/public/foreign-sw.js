// Another app's worker (not resilient-fetch): it passes the page's API requests on untouched,
// as a Workbox NetworkOnly route or a hand-written worker would.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  if (new URL(event.request.url).pathname.startsWith('/api/')) event.respondWith(fetch(event.request));
});
