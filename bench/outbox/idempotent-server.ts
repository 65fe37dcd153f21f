/**
 * A write API on 127.0.0.1 for the outbox benchmark. It applies a POST once per Idempotency-Key
 * (when `honourKeys`), and its faults are drawn per request: 503 before applying, a reset before
 * applying, or a lost answer (applied, then the connection dropped, the case only a key can save).
 */
import http from 'node:http';

export type Fault = 'none' | '503' | 'reset' | 'lost-answer';

export interface IdempotentServer {
  url: string;
  /** Applications per key (more than 1 = a duplicate the server applied). */
  applied: Map<string, number>;
  /** Replays the server recognised by key and did not apply again. */
  deduplicated: number;
  /** Requests received. */
  received: number;
  /** Bodies in the order they were first applied. */
  order: string[];
  setFault(pick: () => Fault): void;
  close(): Promise<void>;
}

export async function startIdempotentServer(honourKeys: boolean): Promise<IdempotentServer> {
  let pick: () => Fault = () => 'none';
  const state = { applied: new Map<string, number>(), deduplicated: 0, received: 0, order: [] as string[] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.received++;
      const fault = pick();
      if (fault === '503') return void res.writeHead(503).end();
      if (fault === 'reset') return void req.socket.destroy();
      const key = String(req.headers['idempotency-key'] ?? `no-key-${state.received}`);
      const seen = state.applied.get(key) ?? 0;
      if (honourKeys && seen > 0) state.deduplicated++;
      else {
        state.applied.set(key, seen + 1);
        if (seen === 0) state.order.push(Buffer.concat(chunks).toString());
      }
      if (fault === 'lost-answer') return void req.socket.destroy();
      res.writeHead(201, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get applied() {
      return state.applied;
    },
    get deduplicated() {
      return state.deduplicated;
    },
    get received() {
      return state.received;
    },
    get order() {
      return state.order;
    },
    setFault: (p) => void (pick = p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
