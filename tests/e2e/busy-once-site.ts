import http from 'node:http';
import { baseUrl, closeServer, listen } from '../../demo-app/server/http-util.js';
import { serveFile } from '../../demo-app/server/static-server.js';

export interface BusyOnceSite {
  origin: string;
  /** The `Service-Worker-Navigation-Preload` header of each request for `/nav/inbox`, in order. */
  preloadHeaders: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * The app's own server for the navigation-preload tests (Playwright and cross-engine): the built
 * harness and worker from `root`, and a page, `/nav/inbox`, that answers 503 once, then 200.
 */
export async function startBusyOnceSite(root: string): Promise<BusyOnceSite> {
  const preloadHeaders: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (pathname !== '/nav/inbox') return void serveFile(root, pathname, res);
    preloadHeaders.push(req.headers['service-worker-navigation-preload'] as string | undefined);
    const busy = preloadHeaders.length === 1;
    res.writeHead(busy ? 503 : 200, { 'Content-Type': 'text/html' }).end(busy ? '<h1>busy</h1>' : '<h1>inbox</h1>');
  });
  const origin = baseUrl('127.0.0.1', await listen(server, 0, '127.0.0.1'));
  return { origin, preloadHeaders, close: () => closeServer(server) };
}
