import { controlled, readJson, type ScorecardClient } from '../client.js';

/**
 * Workbox `NetworkFirst({ networkTimeoutSeconds: 3 })` for the API's GETs in a service worker
 * (sw-workbox.ts); POSTs are not routed, so they go to the network as with plain fetch.
 */
export const workboxClient: ScorecardClient = {
  async setup() {
    await navigator.serviceWorker.register('/sw-workbox.js', { type: 'module' });
    await controlled();
  },
  async call(call, init) {
    const res = await fetch(call.path, init);
    return { status: res.status, body: await readJson(res) };
  },
};
