import type { Plugin } from 'vite';

/**
 * Serves the TypeScript worker entry at `/sw.js` in `vite dev`, as a module worker (the only kind
 * Vite dev can serve: it answers with ES modules), so pages register the same URL in dev and in
 * the build. The URL is rewritten inside the server, not redirected: a worker script may not be
 * a redirect.
 */
export function serviceWorkerInDev(entry = 'sw.ts'): Plugin {
  return {
    name: 'resilient-fetch:service-worker-in-dev',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = req.url ?? '';
        if (url === '/sw.js' || url.startsWith('/sw.js?')) {
          req.url = `/${entry}${url.slice('/sw.js'.length)}`;
          res.setHeader('Service-Worker-Allowed', '/');
        }
        next();
      });
    },
  };
}
