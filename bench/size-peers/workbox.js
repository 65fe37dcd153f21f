export { NetworkFirst } from 'workbox-strategies';
export { registerRoute } from 'workbox-routing';
export { ExpirationPlugin } from 'workbox-expiration';
export { BackgroundSyncPlugin } from 'workbox-background-sync';
