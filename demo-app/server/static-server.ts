import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { baseUrl, closeServer, listen } from './http-util.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServerHandle {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves a built app. Workers are served with `Cache-Control: no-cache` so the browser checks
 * for an update on every registration, and `Service-Worker-Allowed: /` so a worker may control
 * the whole origin wherever its file lives.
 */
/** Serves one file of `root`; a worker may control the whole origin wherever its file lives. */
export async function serveFile(root: string, pathname: string, res: http.ServerResponse): Promise<void> {
  let file = path.join(root, decodeURIComponent(pathname));
  if (!file.startsWith(root)) return void res.writeHead(403).end();
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    await stat(file);
  } catch {
    return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Cache-Control': 'no-cache',
    'Service-Worker-Allowed': '/',
  });
  createReadStream(file).pipe(res);
}

export async function startStaticServer(options: { root: string; port?: number; host?: string }): Promise<StaticServerHandle> {
  const root = path.resolve(options.root);
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer((req, res) => void serveFile(root, new URL(req.url ?? '/', 'http://x').pathname, res));
  const port = await listen(server, options.port ?? 0, host);
  return { url: baseUrl(host, port), port, close: () => closeServer(server) };
}
