/**
 * An in-process OTLP/HTTP trace receiver for the end-to-end tests and the demo dashboard.
 *
 * Accepts `POST /v1/traces` in both OTLP/HTTP encodings (JSON and protobuf, optionally gzipped),
 * keeps the newest spans in memory as flat records, and lets tests and the dashboard read them
 * back (`GET /api/spans`, `GET /api/traces`, or the handle's `spans()` / `waitFor()`).
 * Browsers (the page and the service worker) export to it cross-origin, so it speaks CORS.
 * It must never crash a test run: every bad body is a 4xx, every handler error a 500.
 */
import http from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import protobuf from 'protobufjs';
import {
  OtlpDecodeError,
  decodeProtobufRequest,
  normalizeRequest,
  parseJsonRequest,
  type ReceivedSpan,
} from './otlp-decode.js';
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

export type { AttributeValue, Attributes, ReceivedSpan, SpanKindName, StatusCodeName } from './otlp-decode.js';

export interface OtlpReceiverOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Newest spans kept; older ones are dropped. */
  maxSpans?: number;
  /** Largest request body, compressed or not; larger is answered 413. */
  maxBodyBytes?: number;
  /** A real collector's OTLP/HTTP traces URL to copy every accepted export to. */
  forwardTo?: string;
  /** Where problems (a failing forward) are reported; default console.warn. */
  log?: (message: string) => void;
}

export interface TraceSummary {
  traceId: string;
  /** Name of the span without a parent here, else of the earliest span. */
  rootName: string;
  serviceNames: string[];
  spanCount: number;
  startTimeUnixNano: string;
  durationMs: number;
  hasError: boolean;
  spans: ReceivedSpan[];
}

export interface OtlpReceiverHandle {
  /** Base URL, e.g. http://127.0.0.1:43123 */
  url: string;
  /** The export endpoint: `${url}/v1/traces`. */
  tracesUrl: string;
  port: number;
  /** Spans received, oldest first; optionally those of one trace. */
  spans(filter?: { traceId?: string }): ReceivedSpan[];
  /** Latest traces, newest first. */
  traces(limit?: number): TraceSummary[];
  /** Forgets all spans and resets `requestCount`. */
  clear(): void;
  /**
   * Resolves with all spans once `predicate(spans)` holds, checked now and after every export.
   * Rejects after `timeoutMs` with a message listing what did arrive.
   */
  waitFor(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
    description?: string,
  ): Promise<ReceivedSpan[]>;
  /** Export requests (POST /v1/traces) received since start or the last clear(), valid or not. */
  readonly requestCount: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_SPANS = 20_000;
const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;
const DEFAULT_WAIT_MS = 5_000;
const gunzip = promisify(zlib.gunzip);

/**
 * google.rpc.Status, the body OTLP/HTTP asks for on a failed protobuf export. Only its two scalar
 * fields (code = 1, message = 2, as in google/rpc/status.proto) are declared: the third,
 * `details`, is never sent.
 */
const RpcStatus = new protobuf.Root().define('google.rpc').add(
  new protobuf.Type('Status').add(new protobuf.Field('code', 1, 'int32')).add(new protobuf.Field('message', 2, 'string')),
).lookupType('google.rpc.Status');
const RPC_INVALID_ARGUMENT = 3;
const RPC_INTERNAL = 13;

interface Waiter {
  predicate: (spans: readonly ReceivedSpan[]) => boolean;
  resolve: (spans: ReceivedSpan[]) => void;
  reject: (err: Error) => void;
}

export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiverHandle> {
  const maxSpans = options.maxSpans ?? DEFAULT_MAX_SPANS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? ((m: string) => console.warn(m));
  let stored: ReceivedSpan[] = [];
  let requestCount = 0;
  const waiters = new Set<Waiter>();
  const forwards = new Set<Promise<void>>();
  let forwardErrorLogged = false;

  function store(spans: ReceivedSpan[]): void {
    stored.push(...spans);
    if (stored.length > maxSpans) stored.splice(0, stored.length - maxSpans);
    for (const w of waiters) settle(w);
  }

  /** Resolves a waiter whose predicate holds; a throwing predicate rejects it, never the export. */
  function settle(w: Waiter): boolean {
    try {
      if (!w.predicate(stored)) return false;
      waiters.delete(w);
      w.resolve([...stored]);
    } catch (err) {
      waiters.delete(w);
      w.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  }

  function spans(filter?: { traceId?: string }): ReceivedSpan[] {
    const traceId = filter?.traceId?.toLowerCase();
    return traceId ? stored.filter((s) => s.traceId === traceId) : [...stored];
  }

  function traces(limit = 50): TraceSummary[] {
    const byTrace = new Map<string, ReceivedSpan[]>();
    for (const s of stored) {
      const group = byTrace.get(s.traceId);
      if (group) group.push(s);
      else byTrace.set(s.traceId, [s]);
    }
    const summaries = [...byTrace.entries()].map(([traceId, group]) => summarize(traceId, group));
    // Newest first by start time; BigInt because nanoseconds exceed Number's exact range.
    summaries.sort((a, b) => {
      const d = BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano);
      return d > 0n ? 1 : d < 0n ? -1 : 0;
    });
    return summaries.slice(0, Math.max(0, limit));
  }

  function forward(body: Buffer, contentType: string, contentEncoding: string | undefined): void {
    if (!options.forwardTo) return;
    const headers: Record<string, string> = { 'content-type': contentType };
    if (contentEncoding) headers['content-encoding'] = contentEncoding;
    const p = fetch(options.forwardTo, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
      })
      .catch((err: unknown) => {
        // Once: a collector that is down would otherwise flood the test output.
        if (forwardErrorLogged) return;
        forwardErrorLogged = true;
        log(`otlp-receiver: forwarding to ${options.forwardTo} failed (${err instanceof Error ? err.message : String(err)}); further failures are not logged`);
      })
      .finally(() => forwards.delete(p));
    forwards.add(p);
  }

  async function handleExport(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    requestCount++;
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const isProtobuf = contentType === 'application/x-protobuf';
    try {
      // Read (or drain) the body before any refusal, so the client gets the answer, not a reset.
      const raw = await readBody(req, maxBodyBytes);
      if (!isProtobuf && contentType !== 'application/json') {
        throw new HttpError(415, `unsupported content-type ${JSON.stringify(contentType)}; use application/json or application/x-protobuf`);
      }
      const encoding = req.headers['content-encoding']?.trim().toLowerCase();
      const body = await decompress(raw, encoding, maxBodyBytes);
      const request = isProtobuf ? decodeProtobufRequest(body) : parseJsonRequest(body.toString('utf8'));
      const received = normalizeRequest(request);
      store(received);
      forward(raw, contentType, encoding && encoding !== 'identity' ? encoding : undefined);
      // A full success: an ExportTraceServiceResponse with no partial_success. In protobuf an
      // empty message encodes to zero bytes.
      if (isProtobuf) send(res, 200, 'application/x-protobuf', Buffer.alloc(0));
      else send(res, 200, 'application/json', '{}');
    } catch (err) {
      const status = err instanceof HttpError ? err.status : err instanceof OtlpDecodeError ? 400 : 500;
      const message = err instanceof Error ? err.message : String(err);
      const code = status >= 500 ? RPC_INTERNAL : RPC_INVALID_ARGUMENT;
      if (isProtobuf) {
        const bytes = RpcStatus.encode(RpcStatus.create({ code, message })).finish();
        send(res, status, 'application/x-protobuf', Buffer.from(bytes));
      } else {
        sendJson(res, status, { code, message });
      }
    }
  }

  function handleApi(req: http.IncomingMessage, res: http.ServerResponse, url: URL): boolean {
    if (url.pathname === '/api/spans' && req.method === 'GET') {
      const traceId = url.searchParams.get('traceId') ?? undefined;
      sendJson(res, 200, spans(traceId ? { traceId } : undefined));
      return true;
    }
    if (url.pathname === '/api/spans' && req.method === 'DELETE') {
      clear();
      send(res, 204);
      return true;
    }
    if (url.pathname === '/api/traces' && req.method === 'GET') {
      const limit = Number(url.searchParams.get('limit') ?? '50');
      sendJson(res, 200, traces(Number.isFinite(limit) ? limit : 50));
      return true;
    }
    return false;
  }

  function clear(): void {
    stored = [];
    requestCount = 0;
  }

  const server = http.createServer((req, res) => {
    setCors(req, res);
    if (req.method === 'OPTIONS') {
      answerPreflight(req, res);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://receiver.invalid');
    if (url.pathname === '/v1/traces') {
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST, OPTIONS');
        sendJson(res, 405, { message: 'use POST' });
        return;
      }
      handleExport(req, res).catch((err: unknown) => failSafe(res, err));
      return;
    }
    try {
      if (!handleApi(req, res, url)) sendJson(res, 404, { message: 'not found' });
    } catch (err) {
      failSafe(res, err);
    }
  });
  // A malformed request line or headers must not take the process down.
  server.on('clientError', (_err, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  const url = baseUrl(host, port);

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    port,
    spans,
    traces,
    clear,
    get requestCount() {
      return requestCount;
    },
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS, description) {
      return new Promise<ReceivedSpan[]>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const names = stored.slice(-20).map((s) => s.name);
          reject(
            new Error(
              `otlp-receiver: waitFor${description ? ` (${description})` : ''} timed out after ${timeoutMs} ms; ` +
                `${stored.length} spans from ${requestCount} export requests received` +
                (names.length ? `, latest: ${JSON.stringify(names)}` : ''),
            ),
          );
        }, timeoutMs);
        const waiter: Waiter = {
          predicate,
          resolve: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
          reject: (err) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        if (!settle(waiter)) waiters.add(waiter);
      });
    },
    async close() {
      for (const w of waiters) w.reject(new Error('otlp-receiver: closed while waiting'));
      waiters.clear();
      await Promise.allSettled([...forwards]);
      await closeServer(server);
    },
  };
}

function summarize(traceId: string, group: ReceivedSpan[]): TraceSummary {
  const ids = new Set(group.map((s) => s.spanId));
  let start = BigInt(group[0]?.startTimeUnixNano ?? '0');
  let end = BigInt(group[0]?.endTimeUnixNano ?? '0');
  let earliest = group[0];
  for (const s of group) {
    const st = BigInt(s.startTimeUnixNano);
    if (st < start) {
      start = st;
      earliest = s;
    }
    const en = BigInt(s.endTimeUnixNano);
    if (en > end) end = en;
  }
  const root = group.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? earliest;
  return {
    traceId,
    rootName: root?.name ?? '',
    serviceNames: [...new Set(group.map((s) => s.serviceName))],
    spanCount: group.length,
    startTimeUnixNano: start.toString(),
    durationMs: Number(end - start) / 1e6,
    hasError: group.some((s) => s.status.code === 'ERROR'),
    spans: group,
  };
}

async function decompress(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  if (!encoding || encoding === 'identity') return raw;
  if (encoding !== 'gzip') throw new HttpError(415, `unsupported content-encoding ${JSON.stringify(encoding)}`);
  try {
    // Bounded output: a small gzip bomb must not exhaust memory.
    return await gunzip(raw, { maxOutputLength: limit });
  } catch (err) {
    if (err instanceof RangeError) throw new HttpError(413, `decompressed body larger than ${limit} bytes`);
    throw new HttpError(400, `invalid gzip body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Pages send credentials-less fetches, but `sendBeacon` sends with credentials, which needs the
 * exact origin echoed and Allow-Credentials; echoing covers both.
 */
function setCors(req: http.IncomingMessage, res: http.ServerResponse): void {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', origin ?? '*');
  if (origin) {
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
}

function answerPreflight(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? 'content-type');
  res.setHeader('Access-Control-Max-Age', '600');
  allowPrivateNetwork(req, res);
  res.writeHead(204).end();
}
