import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../demo-app/server/http-util.js';

/** An origin whose every path 302s elsewhere, with CORS as an API would; counts the requests it gets. */
export async function startRedirectingOrigin(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '');
      return res.writeHead(204).end();
    }
    hits++;
    res.writeHead(302, { Location: 'http://127.0.0.1:9/elsewhere' }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, close: () => closeServer(server) };
}
