/**
 * The few node:http chores both test servers share: listen and close cleanly, read a bounded
 * body, answer, and never let a handler error escape.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A failure that maps to an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Listens and resolves with the bound port (the ephemeral one when `port` is 0). */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops listening and ends every connection, including idle keep-alive and hung ones. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Browsers' keep-alive sockets and deliberately hung requests would hold close() open.
    server.closeAllConnections();
  });
}

/** A base URL for a host, bracketing IPv6 literals. */
export function baseUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Reads the whole body. Past `limit` it keeps draining (and discarding) rather than cutting the
 * connection, so the client reliably reads the 413 instead of a reset while it is still sending.
 */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number.isFinite(declared) && declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new HttpError(413, `body larger than ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
    // A client that leaves mid-body may not produce 'error'; without this the read would pend forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client closed the connection before the body ended'));
    });
  });
}

export function send(res: http.ServerResponse, status: number, contentType?: string, body?: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  if (contentType) res.setHeader('Content-Type', contentType);
  res.writeHead(status).end(body);
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

/** Last resort for an unexpected handler error: a 500 if we can still answer, else drop the socket. */
export function failSafe(res: http.ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, { message: err instanceof Error ? err.message : String(err) });
}

/** Answers Chrome's Private Network Access preflight, for a page on a non-loopback address. */
export function allowPrivateNetwork(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.headers['access-control-request-private-network'] === 'true') {
    res.setHeader('Access-Control-Allow-Private-Network', 'true');
  }
}
