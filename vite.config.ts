import { defineConfig } from 'vite';
import { serviceWorkerInDev } from './scripts/vite-sw-dev.js';

/**
 * `npx vite` (while `npm run demo` runs): the demo SPA with hot reload on :5180, its worker a
 * module worker at /sw.js, talking to the upstreams and receiver that `npm run demo` started.
 * (`npm run demo` itself builds, as users ship: module worker plus a classic IIFE build; see
 * scripts/build-app.ts.)
 */
const demo = `http://127.0.0.1:${process.env.DEMO_PORT ?? 5173}`;

export default defineConfig({
  root: 'demo-app',
  plugins: [serviceWorkerInDev('sw.ts')],
  // The worker is not reachable from index.html, so name it: its dependencies are then
  // pre-bundled at start instead of being discovered mid-session (which reloads the page).
  optimizeDeps: { entries: ['index.html', 'sw.ts'] },
  server: { host: '127.0.0.1', port: 5180, strictPort: true, proxy: { '/demo-config.json': demo } },
});
