/**
 * An upstream API with programmable faults, one instance per origin, for the end-to-end tests
 * and the demo. It answers `/api/*` with a JSON echo, injects the faults of `chaos-faults.ts`,
 * and records what really arrived (headers, bodies, aborted connections, preflights) so tests
 * can check the resilience layer's traffic from the server's side.
 *
 * Control: the handle (`setFaults`, `stats`, `requests`...) or HTTP under `/__chaos` so a
 * dashboard page on another origin can drive it. Control routes are never faulted or counted.
 */
import http from 'node:http';
import {
  DEFAULT_FAULTS,
  decide,
  isFlapDown,
  validateFaults,
  type ChaosFaults,
  type FaultName,
} from './chaos-faults.js';
import {
  HttpError,
  allowPrivateNetwork,
  baseUrl,
  closeServer,
  failSafe,
  listen,
  readBody,
  send,
  sendJson,
} from './http-util.js';

export { DEFAULT_FAULTS, validateFaults, type ChaosFaults, type FaultName } from './chaos-faults.js';

export interface ChaosUpstreamOptions {
  /** Reported as `origin` in bodies and `X-Upstream-Name`; default 'upstream-1'. */
  name?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Faults from the start. */
  faults?: Partial<ChaosFaults>;
  /** Requests kept for `requests()`, newest; default 500. */
  maxRecorded?: number;
  /** Largest request body read; larger is answered 413. Default 16 MiB. */
  maxBodyBytes?: number;
  /**
   * Access-Control-Max-Age of preflight answers, in seconds. Default 0 so every cross-origin
   * request that needs a preflight shows one here: tests count them.
   */
  preflightMaxAge?: number;
  /** Time source of the flap schedule; injectable so a test can step through it. */
  now?: () => number;
  /** Randomness of errorRate and jitter. */
  random?: () => number;
}

export interface RecordedRequest {
  /** 1-based arrival order since start or the last resetStats(), preflights included. */
  id: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** As received, names lowercased. */
  headers: http.IncomingHttpHeaders;
  /** The body as UTF-8 text ('' when none). */
  body: string;
  bodyBytes: number;
  receivedAt: number;
  preflight: boolean;
  /** The client closed the connection before we answered. */
  closedEarly: boolean;
  /** What we answered; null while pending, after a reset, or when the client left first. */
  status: number | null;
  /** The fault that decided the answer, if any. */
  fault: FaultName | null;
}

export interface ChaosStats {
  /** Requests received, preflights excepted. */
  total: number;
  byMethod: Record<string, number>;
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  /** Received and not yet answered or closed. */
  inFlight: number;
  /** Closed by the client before we answered. */
  aborted: number;
  /** Connections we destroyed on purpose (the reset fault). */
  resets: number;
  /** OPTIONS requests (CORS preflights) to the API. */
  preflights: number;
}

export interface ChaosSnapshot {
  stats: ChaosStats;
  requests: RecordedRequest[];
}

export interface ChaosUpstreamHandle {
  name: string;
  /** Base URL, e.g. http://127.0.0.1:43124 (its origin is the upstream's origin). */
  url: string;
  port: number;
  /** Merges faults in; returns the whole config. Throws TypeError on a bad field. */
  setFaults(partial: Partial<ChaosFaults>): ChaosFaults;
  faults(): ChaosFaults;
  resetFaults(): ChaosFaults;
  stats(): ChaosStats;
  requests(): RecordedRequest[];
  /** Zeroes the counters (not `inFlight`, which is live) and forgets recorded requests. */
  resetStats(): void;
  /**
   * Resolves once `predicate` holds for the current stats and requests, checked now and on every
   * change (arrival, answer, client close). Rejects after `timeoutMs` with the stats.
   */
  waitFor(predicate: (s: ChaosSnapshot) => boolean, timeoutMs?: number, description?: string): Promise<ChaosSnapshot>;
  close(): Promise<void>;
}

/** Headers a cross-origin page may read from our answers. */
const EXPOSED_HEADERS = [
  'Retry-After',
  'X-Upstream-Name',
  'X-Request-N',
  'X-Chaos-Fault',
  'Vary',
  'Cache-Control',
  'Content-Length',
  'Content-Type',
  'Date',
].join(', ');
const MAX_BYTES_PARAM = 64 * 1024 * 1024;
const MAX_DELAY_PARAM = 60_000;

function emptyStats(): ChaosStats {
  return { total: 0, byMethod: {}, byPath: {}, byStatus: {}, inFlight: 0, aborted: 0, resets: 0, preflights: 0 };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export async function startChaosUpstream(options: ChaosUpstreamOptions = {}): Promise<ChaosUpstreamHandle> {
  const name = options.name ?? 'upstream-1';
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const maxRecorded = options.maxRecorded ?? 500;
  const maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
  const preflightMaxAge = String(options.preflightMaxAge ?? 0);

  let faults: ChaosFaults = { ...DEFAULT_FAULTS };
  let flapSince = now();
  let stats = emptyStats();
  let recorded: RecordedRequest[] = [];
  let nextId = 1;
  const watchers = new Set<() => void>();

  /** Re-checks waitFor() predicates; called on every change they might look at. */
  function changed(): void {
    for (const check of [...watchers]) check();
  }

  function setFaults(partial: Partial<ChaosFaults>): ChaosFaults {
    const valid = validateFaults(partial);
    // A flap schedule starts in its up phase when set, so a test knows where it is.
    if (valid.flap) flapSince = now();
    faults = { ...faults, ...valid };
    return { ...faults };
  }

  function snapshot(): ChaosSnapshot {
    return {
      stats: structuredClone(stats),
      requests: recorded.map((r) => ({ ...r })),
    };
  }

  function record(req: http.IncomingMessage, url: URL, preflight: boolean): RecordedRequest {
    const r: RecordedRequest = {
      id: nextId++,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: '',
      bodyBytes: 0,
      receivedAt: now(),
      preflight,
      closedEarly: false,
      status: null,
      fault: null,
    };
    recorded.push(r);
    if (recorded.length > maxRecorded) recorded.splice(0, recorded.length - maxRecorded);
    return r;
  }

  /** Records the answer in the stats of the era the request arrived in (see resetStats). */
  function answered(r: RecordedRequest, counted: ChaosStats, status: number): void {
    r.status = status;
    bump(counted.byStatus, String(status));
  }

  async function handleTraffic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    if (req.method === 'OPTIONS') {
      stats.preflights++;
      const r = record(req, url, true);
      answerPreflight(req, res, preflightMaxAge);
      r.status = 204;
      changed();
      return;
    }

    stats.total++;
    bump(stats.byMethod, req.method ?? 'GET');
    bump(stats.byPath, url.pathname);
    stats.inFlight++;
    const n = stats.total;
    const r = record(req, url, false);
    // resetStats() swaps the stats object; a request that arrived before it settles in the old
    // one, so a reset between tests is not polluted by a straggler from the previous test.
    const counted = stats;
    let resetByUs = false;
    res.on('close', () => {
      stats.inFlight--;
      if (!res.writableFinished && !resetByUs) {
        r.closedEarly = true;
        counted.aborted++;
      }
      changed();
    });
    changed();

    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof HttpError) {
        sendJson(res, err.status, { origin: name, message: err.message });
        answered(r, counted, err.status);
      }
      return; // otherwise the client went away mid-body; 'close' has recorded it
    }
    r.body = body.toString('utf8');
    r.bodyBytes = body.byteLength;

    const decision = decide(faults, isFlapDown(faults.flap, flapSince, now()), random);
    // Consumed now, not after the delay, so concurrent requests each take one.
    if (decision.fault === 'failFirst') faults.failFirst--;
    r.fault = decision.fault;

    const extraDelay = clampInt(url.searchParams.get('delay'), 0, MAX_DELAY_PARAM) ?? 0;
    await sleepUnlessClosed(decision.delayMs + extraDelay, res);
    if (res.destroyed || res.closed) return;

    res.setHeader('X-Upstream-Name', name);
    res.setHeader('X-Request-N', String(n));
    switch (decision.action) {
      case 'reset':
        resetByUs = true;
        counted.resets++;
        req.socket.destroy();
        return;
      case 'hang':
        return; // answered never; 'close' records the client giving up
      case 'error':
        if (decision.retryAfter !== null) res.setHeader('Retry-After', decision.retryAfter);
        res.setHeader('X-Chaos-Fault', decision.fault);
        sendJson(res, decision.status, { origin: name, error: 'injected', fault: decision.fault, status: decision.status, n });
        answered(r, counted, decision.status);
        changed();
        return;
      case 'ok':
        answered(r, counted, echo(req, res, url, { name, n, body: r.body }));
        changed();
        return;
    }
  }

  function handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> | void {
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /__chaos':
        return sendJson(res, 200, faults);
      case 'DELETE /__chaos':
        faults = { ...DEFAULT_FAULTS };
        return sendJson(res, 200, faults);
      case 'POST /__chaos':
        return readBody(req, 64 * 1024).then((body) => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return sendJson(res, 400, { message: 'body must be JSON' });
          }
          try {
            sendJson(res, 200, setFaults(parsed as Partial<ChaosFaults>));
          } catch (err) {
            sendJson(res, 400, { message: err instanceof Error ? err.message : String(err) });
          }
        });
      case 'GET /__chaos/stats':
        return sendJson(res, 200, stats);
      case 'GET /__chaos/requests': {
        const limit = clampInt(url.searchParams.get('limit'), 0, maxRecorded) ?? maxRecorded;
        return sendJson(res, 200, limit === 0 ? [] : recorded.slice(-limit));
      }
      case 'POST /__chaos/reset':
        resetStats();
        return send(res, 204);
      default:
        return sendJson(res, 404, { message: `no chaos route ${route}` });
    }
  }

  function resetStats(): void {
    const inFlight = stats.inFlight;
    stats = { ...emptyStats(), inFlight };
    recorded = [];
    nextId = 1;
    changed();
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    setCors(req, res);
    const done = (err: unknown) => failSafe(res, err);
    try {
      if (url.pathname === '/__chaos' || url.pathname.startsWith('/__chaos/')) {
        if (req.method === 'OPTIONS') answerPreflight(req, res, preflightMaxAge);
        else Promise.resolve(handleControl(req, res, url)).catch(done);
        return;
      }
      handleTraffic(req, res, url).catch(done);
    } catch (err) {
      done(err);
    }
  });
  // A malformed request line or headers must not take the process down.
  server.on('clientError', (_err, socket) => socket.destroy());

  if (options.faults) setFaults(options.faults);
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);

  return {
    name,
    url: baseUrl(host, port),
    port,
    setFaults,
    faults: () => ({ ...faults }),
    resetFaults: () => {
      faults = { ...DEFAULT_FAULTS };
      return { ...faults };
    },
    stats: () => structuredClone(stats),
    requests: () => recorded.map((r) => ({ ...r })),
    resetStats,
    waitFor(predicate, timeoutMs = 5_000, description) {
      return new Promise<ChaosSnapshot>((resolve, reject) => {
        const check = () => {
          const s = snapshot();
          try {
            if (!predicate(s)) return;
            resolve(s);
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
          watchers.delete(check);
          clearTimeout(timer);
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(
            new Error(
              `chaos-upstream ${name}: waitFor${description ? ` (${description})` : ''} timed out after ${timeoutMs} ms; ` +
                `stats ${JSON.stringify(stats)}`,
            ),
          );
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
    close: () => closeServer(server),
  };
}

/** The normal answer: a JSON echo shaped by query parameters. Returns the status sent. */
function echo(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  ctx: { name: string; n: number; body: string },
): number {
  const q = url.searchParams;
  if (!url.pathname.startsWith('/api/')) {
    sendJson(res, 404, { origin: ctx.name, message: 'not found; the API lives under /api/' });
    return 404;
  }
  // ?cache=no-store (or any Cache-Control value); none by default, so storing is up to the client.
  const cache = q.get('cache');
  if (cache && !/[\r\n]/.test(cache)) res.setHeader('Cache-Control', cache);
  const status = clampInt(q.get('status'), 200, 599) ?? 200;

  // ?bytes=N: a body of exactly N bytes, for cache size limits.
  const bytes = clampInt(q.get('bytes'), 0, MAX_BYTES_PARAM);
  if (bytes !== undefined) {
    send(res, status, 'application/octet-stream', Buffer.alloc(bytes, 0x61));
    return status;
  }

  const payload: Record<string, unknown> = {
    origin: ctx.name,
    method: req.method,
    path: url.pathname,
    query: Object.fromEntries(q),
    n: ctx.n,
  };
  if (ctx.body !== '') payload.body = ctx.body;
  if (q.get('echoHeaders') === '1') payload.headers = req.headers;
  // ?vary=Accept-Language: the answer varies on those request headers, and shows their values.
  const vary = q.get('vary');
  if (vary && /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/.test(vary)) {
    res.setHeader('Vary', vary);
    payload.vary = Object.fromEntries(
      vary.split(',').map((h) => {
        const key = h.trim().toLowerCase();
        return [key, req.headers[key] ?? null];
      }),
    );
  }
  if (status === 204 || status === 304) send(res, status);
  else sendJson(res, status, payload);
  return status;
}

/**
 * Echoes the caller's origin rather than '*', so a page may also call with credentials.
 * No `Vary: Origin`: the Vary header is under test control (?vary=), and nothing here is cached
 * by a shared cache.
 */
function setCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

function answerPreflight(req: http.IncomingMessage, res: http.ServerResponse, maxAge: string): void {
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
  const requested = req.headers['access-control-request-headers'];
  if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
  res.setHeader('Access-Control-Max-Age', maxAge);
  allowPrivateNetwork(req, res);
  res.writeHead(204).end();
}

/** An integer query parameter within [min, max], or undefined when absent or invalid. */
function clampInt(raw: string | null, min: number, max: number): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= min && n <= max ? n : undefined;
}

/** Waits, but stops early if the client closes the connection meanwhile. */
function sleepUnlessClosed(ms: number, res: http.ServerResponse): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}
