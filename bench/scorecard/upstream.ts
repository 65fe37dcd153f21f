/**
 * The one upstream of the scorecard, on 127.0.0.1: it serves the built client pages and workers
 * (so pages and API share an origin: no CORS preflights muddying the request counts) and answers
 * `/api/*` according to the phase the run is in. It logs every API request it received, with the
 * call id and Idempotency-Key, so amplification and duplicate POSTs are counted from its side.
 *
 * A dedicated server rather than demo-app's chaos upstream: the phases switch on a clock shared
 * with the page, the hung requests must be cut when the outage starts (a dead process resets its
 * connections), and the log must keep every request of a run, not the newest 500.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { baseUrl, closeServer, listen } from '../../demo-app/server/http-util.js';
import { serveFile } from '../../demo-app/server/static-server.js';
import { balancedCoin, seededRandom } from './random.js';
import { phaseAt, type Phase, type PhaseName } from './scenario.js';

export interface ReceivedRequest {
  /** ms after the run started. */
  atMs: number;
  method: string;
  path: string;
  /** From `X-Call-Id`; null if a client dropped it. */
  callId: number | null;
  idempotencyKey: string | null;
  phase: PhaseName;
  /** The status we sent, or what we did instead ('none': the client left first). */
  answer: number | 'reset' | 'hung-cut' | 'none';
  /** The client gave up before we answered. */
  closedEarly: boolean;
}

export interface ScorecardUpstream {
  url: string;
  /** Starts a run at wall-clock `t0` (Date.now()), with fresh log and coin flips. */
  startRun(t0: number, phases: readonly Phase[], seed: number): void;
  /** Ends the run (the API is healthy again) and returns what arrived. */
  endRun(): ReceivedRequest[];
  close(): Promise<void>;
}

const SLOW_MS = 2_000;
const STORM_RETRY_AFTER_S = '2';

interface Run {
  t0: number;
  phases: readonly Phase[];
  /** True for a request of the errors phase that gets a 503. */
  fails: () => boolean;
  log: ReceivedRequest[];
  timers: NodeJS.Timeout[];
  /** Requests held open in the hung phase, by socket, cut when the outage starts. */
  hung: Map<Socket, ReceivedRequest>;
}

export async function startScorecardUpstream(root: string): Promise<ScorecardUpstream> {
  let run: Run | undefined;
  let served = 0;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/api/')) handleApi(req, res, url);
    else void serveFile(root, url.pathname, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const atMs = run ? Date.now() - run.t0 : -1;
    const phase = run && atMs >= 0 ? phaseAt(run.phases, atMs).name : 'healthy';
    const callHeader = req.headers['x-call-id'];
    const entry: ReceivedRequest = {
      atMs,
      method: req.method ?? 'GET',
      path: url.pathname,
      callId: typeof callHeader === 'string' && /^\d+$/.test(callHeader) ? Number(callHeader) : null,
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      phase,
      answer: 'none',
      closedEarly: false,
    };
    run?.log.push(entry);
    res.on('close', () => {
      if (!res.writableFinished && entry.answer === 'none') entry.closedEarly = true;
    });
    req.resume(); // the body's content is not needed: X-Call-Id says which call it is
    const answer = (status: number, headers: Record<string, string> = {}) => {
      if (res.destroyed) return;
      // A late answer (a slow one) in the hung phase closes its connection, so no hung request
      // rides a reused one (see freshConnectionsForHung).
      if (run && phaseAt(run.phases, Date.now() - run.t0).name === 'hung') res.shouldKeepAlive = false;
      entry.answer = status;
      const body = status < 300 ? { call: entry.callId, serve: ++served, path: url.pathname } : { error: phase, status };
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    switch (phase) {
      case 'errors':
        return run!.fails() ? answer(503) : answer(200);
      case 'slow':
        return void setTimeout(() => answer(200), SLOW_MS);
      case 'hung':
        run!.hung.set(req.socket, entry);
        return;
      case 'outage':
        entry.answer = 'reset';
        req.socket.destroy();
        return;
      case 'storm':
        return answer(429, { 'Retry-After': STORM_RETRY_AFTER_S });
      default:
        return answer(200);
    }
  }

  /**
   * Chromium resends a request, POST included, once when a reused keep-alive connection is reset
   * before any answer: cutting the hung requests would show every client sending plain POSTs
   * twice (6 per run, all the browser's doing). So hung requests arrive on fresh connections:
   * idle ones are closed when the phase starts and answers during it close theirs.
   */
  function freshConnectionsForHung(): void {
    server.closeIdleConnections();
  }

  /** A process that dies resets its connections: the hung ones and every idle keep-alive socket. */
  function cutConnections(r: Run): void {
    for (const [socket, entry] of r.hung) {
      if (!socket.destroyed) entry.answer = 'hung-cut';
      socket.destroy();
    }
    r.hung.clear();
    for (const s of sockets) s.destroy();
  }

  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: baseUrl('127.0.0.1', port),
    startRun(t0, phases, seed) {
      const r: Run = { t0, phases, fails: balancedCoin(seededRandom(seed ^ 0x5eed), 0.5), log: [], timers: [], hung: new Map() };
      const hung = phases.find((p) => p.name === 'hung');
      if (hung) r.timers.push(setTimeout(freshConnectionsForHung, Math.max(0, t0 + hung.startMs - Date.now())));
      const outage = phases.find((p) => p.name === 'outage');
      if (outage) r.timers.push(setTimeout(() => cutConnections(r), Math.max(0, t0 + outage.startMs - Date.now())));
      run = r;
    },
    endRun() {
      const r = run;
      run = undefined;
      if (!r) return [];
      r.timers.forEach(clearTimeout);
      for (const socket of r.hung.keys()) socket.destroy();
      return r.log;
    },
    close: () => closeServer(server),
  };
}
