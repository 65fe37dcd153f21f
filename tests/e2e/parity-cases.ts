/**
 * The parity cases and their comparison, shared by tests/e2e/parity.spec.ts (Chromium, four
 * paths) and tests/e2e/engines/parity.scenarios.ts (the worker and the in-page engine, plain and
 * under zone.js, in Chromium, Firefox and WebKit).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../../demo-app/server/http-util.js';
import type { ChaosFaults, ChaosUpstreamHandle } from '../../demo-app/server/chaos-upstream.js';
import type { CallSpec, FetchFailure, FetchResult } from './app/main.js';

// A user must not be able to tell where `resilientFetch` ran: through our worker, or in the
// in-page engine (no worker of ours controls the page), with or without page tracing (zone.js).
// A fourth path is the in-page engine under another app's worker, which its requests pass through.
// Each case below runs the same call on every path, each against its own chaos upstream
// given the same faults, and compares what the app and the upstream see.
//
// Compared: status, statusText, type, body, response.url, response.redirected, describeResponse's
// source, reason, attempts and stale, every response header (X-Resilience-*, Retry-After...), the
// error's name and message (a ResilienceError's reason and retryAfterMs too), and each request
// that reached the upstream (method, path, body, headers). A case with a stored copy stores it on
// each path first (a copy the page stored, served by the worker, is
// tests/e2e/page-engine-writes.spec.ts). Left out on purpose, with the reason:
// - the client hints (`Sec-CH-UA*`) Chromium adds to a page's requests and not to a worker's, and
//   `Host`/`Connection`: the browser's, not ours.
// - trace ids (`X-Resilience-Trace-Id`, describeResponse's traceId): each path traces on its own.
// - `Age` / ageSeconds and `Date`: the stored copy is a fraction of a second old, read on another
//   clock; whole seconds would flip between 0 and 1 with the machine's load, not with the path.
// - `response.type` 'default' in the page against 'basic' through the worker, for a response the
//   engine built (retried, stored, synthetic): `new Response` fixes 'default' in the page, and
//   the browser reports the worker's built response as 'basic' (Chromium); script sets neither.
//   A response passed through untouched is compared as it is ('cors' both ways), and so is
//   'opaque'.
// - the upstream's own origin in URLs, messages and bodies: each path has its own upstream (so
//   the paths can run at once), rewritten to `<up>`; a multipart boundary is random per request.

/**
 * One policy for every path: timeouts small enough that the matrix stays quick. An attempt gets
 * 2.5 s: at 300 ms, a loaded machine (four browser contexts at once, one behind another app's
 * worker) cut a healthy second attempt on one path only, which then tried a third time; at 1 s,
 * a keyed POST's first attempt (a preflight, then the POST) was cut before the upstream saw it,
 * on the worker path only (3 attempts against 2; Chromium, 1 run in 3 of the cross-engine
 * scenarios, load average ~20). The deadline leaves a hung call its two attempts.
 */
export const POLICY = {
  defaults: {
    timeoutMs: 2_500,
    deadlineMs: 10_000,
    // A budget and a breaker that never decide here: each test has fresh origins, but a case's
    // own retries must not be cut by how fast the machine happens to run.
    retry: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50, jitter: 'none' as const, budgetReserve: 100, maxRetryAfterMs: 5_000 },
    breaker: { minimumCalls: 1_000 },
  },
};

export interface Case {
  name: string;
  faults?: Partial<ChaosFaults>;
  /** The upstream answers with this status when not faulted. */
  status?: number;
  /** The URL's query, without '?'. */
  query?: string;
  /** Reached through a 302 (or 307) from another origin. */
  redirect?: boolean | 307;
  /** A first call, under these faults, before the case's call (not compared): to store a copy, or pause the origin. */
  first?: Partial<ChaosFaults>;
  /** The first call's answer must not be stored (no-store, Authorization...): there is no write to wait for. */
  firstUnstored?: true;
  /** Instead of the upstream's URL. */
  url?: string;
  /** Appended to the URL. */
  fragment?: string;
  /** Differences by design, or not ours to fix, explained where the case is written. */
  known?: { paths: PathName[]; fields: string[] };
  /** The call never reaches the upstream (refused before anything is sent). */
  unsent?: true;
  call?: Omit<CallSpec, 'url'>;
}

const KEY = { 'Idempotency-Key': 'parity-key-1' };
const FAIL_ONCE = { failFirst: 1 };

export const CASES: Case[] = [
  { name: 'GET 200' },
  { name: 'GET 503 then 200', faults: FAIL_ONCE },
  { name: 'GET 503 always', faults: { outage: true } },
  { name: 'GET 503 always, retries 0, fallback none', faults: { outage: true }, call: { resilience: { retries: 0, fallback: 'none' } } },
  { name: 'GET 429 with Retry-After', faults: { status429: true, retryAfter: '1' }, call: { resilience: { retries: 1 } } },
  {
    name: 'GET hang past timeoutMs',
    faults: { hang: true },
    call: { resilience: { retries: 1 } },
    // The call fails the same way, but its retry never leaves the browser: the page aborts the
    // timed-out first attempt, which the other app's worker goes on fetching (Chromium does not
    // abort FetchEvent.request.signal), and Chromium's HTTP cache holds a second request for the
    // same URL behind the first (its cache lock; with `cache: 'no-store'` the retry arrives).
    // Nothing of ours runs in that worker; noted for the lead, not fixed here.
    known: { paths: ['page under another worker'], fields: ['upstream'] },
  },
  { name: 'GET connection reset', faults: { reset: true }, call: { resilience: { retries: 1 } } },
  { name: 'GET outage with a stored copy', faults: { outage: true }, first: {} },
  { name: 'GET outage with a stored copy, fallback none', faults: { outage: true }, first: {}, call: { resilience: { fallback: 'none' } } },
  { name: 'GET 204 after a retry', faults: FAIL_ONCE, status: 204 },
  { name: 'GET redirect', redirect: true },
  { name: 'GET redirect, 503 then 200', redirect: true, faults: FAIL_ONCE },
  { name: 'GET bypass during an outage', faults: { outage: true }, call: { resilience: { bypass: true } } },
  { name: 'HEAD 503 then 200', faults: FAIL_ONCE, call: { method: 'HEAD' } },
  { name: 'POST keyed string body, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' } } },
  { name: 'POST unkeyed string body, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', body: { as: 'string', text: 'hello' } } },
  { name: 'POST keyed Request object, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', headers: KEY, body: { as: 'request', text: 'hello' } } },
  { name: 'POST keyed string body, connection reset', faults: { reset: true }, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' }, resilience: { retries: 1 } } },
  { name: 'PUT FormData, 503 then 200', faults: FAIL_ONCE, call: { method: 'PUT', body: { as: 'form', text: 'hello' } } },
  { name: 'DELETE 503 then 200', faults: FAIL_ONCE, call: { method: 'DELETE' } },
  { name: 'GET 501 (not retried)', status: 501 },
  { name: 'GET during a pause (503 with Retry-After before)', first: { outage: true, retryAfter: '2' }, call: { resilience: { retries: 0 } }, unsent: true },
  { name: 'GET during a pause, throwOnReject', first: { outage: true, retryAfter: '2' }, call: { resilience: { retries: 0, throwOnReject: true } }, unsent: true },
  { name: 'POST keyed during a pause longer than deadlineMs, throwOnReject', first: { outage: true, retryAfter: '3' }, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' }, resilience: { retries: 0, deadlineMs: 1_000, throwOnReject: true } }, unsent: true },
  { name: 'GET during a pause with a stored copy', first: {}, faults: { outage: true, retryAfter: '2' }, call: { resilience: { retries: 0 } } },
  // 100 ms on a 250 ms answer once cut the zoned page's call before its request reached the upstream (load average ~13).
  { name: 'GET per-call timeoutMs 1500 on a 4 s answer', faults: { latencyMs: 4_000 }, call: { resilience: { timeoutMs: 1_500, retries: 0 } } },
  { name: 'GET deadlineMs 1500 on a hang', faults: { hang: true }, call: { resilience: { deadlineMs: 1_500 } } }, // not 200 ms: as the per-call timeout above
  { name: 'GET outage with a stored copy, maxStaleMs 0', faults: { outage: true }, first: {}, call: { resilience: { maxStaleMs: 0 } } },
  // The app aborts 1.5 s in, once the request has reached the upstream: at 100 ms, WebKit under
  // load (average ~11) aborted it before it arrived on one path, 2 runs in 2, and the paths'
  // upstreams differed by timing alone.
  { name: 'GET aborted by the app during a hang', faults: { hang: true }, call: { abortAfterMs: 1_500 } },
  { name: 'GET with AbortSignal.timeout(1500) during a hang', faults: { hang: true }, call: { abortAfterMs: 1_500, abortWith: 'timeout' } },
  { name: 'GET with an invalid per-call option', call: { resilience: { retries: -1 } }, unsent: true },
  { name: 'GET with an unknown per-call option', call: { resilience: { retry: 1 } }, unsent: true },
  { name: 'POST keyed string body, outage, retries exhausted', faults: { outage: true }, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' } } },
  { name: 'GET URL with a fragment, 503 then 200', faults: FAIL_ONCE, fragment: '#top' },
  { name: 'GET a URL fetch cannot parse', url: 'http://127.0.0.1:notaport/api/x', unsent: true },
  { name: 'POST to a URL fetch cannot parse', url: 'http://127.0.0.1:notaport/api/x', unsent: true, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' } } },
  { name: 'GET with a method fetch refuses', unsent: true, call: { method: 'CONNECT' } },
  { name: 'GET with a body', unsent: true, call: { method: 'GET', body: { as: 'string', text: 'hello' } } },
  { name: 'POST unkeyed string body, connection reset', faults: { reset: true }, call: { method: 'POST', body: { as: 'string', text: 'hello' } } },
  { name: 'GET answered Cache-Control: no-store, then an outage', first: {}, firstUnstored: true, query: 'cache=no-store', faults: { outage: true } },
  { name: 'GET with Authorization, then an outage', first: {}, firstUnstored: true, faults: { outage: true }, call: { headers: { Authorization: 'Bearer parity' } } },
  { name: "GET with cache: 'no-store', then an outage", first: {}, firstUnstored: true, faults: { outage: true }, call: { init: { cache: 'no-store' } } },
  { name: 'GET stale-while-waiting (staleAfterMs 100, a 400 ms answer)', first: {}, faults: { latencyMs: 400 }, call: { resilience: { staleAfterMs: 100 } } },
  { name: 'HEAD during an outage with a stored GET copy', first: {}, faults: { outage: true }, call: { method: 'HEAD' } },
  { name: "GET redirect: 'manual'", redirect: true, call: { init: { redirect: 'manual' } }, unsent: true },
  { name: "GET redirect: 'error'", redirect: true, call: { init: { redirect: 'error' } }, unsent: true },
  { name: "GET mode: 'no-cors', 503 then 200", faults: FAIL_ONCE, call: { init: { mode: 'no-cors' } } },
  { name: 'POST unkeyed, idempotent: true, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', body: { as: 'string', text: 'hello' }, resilience: { idempotent: true } } },
  { name: 'GET reset, a secret in the query', faults: { reset: true }, query: 'token=secret', call: { resilience: { retries: 0 } } },
  { name: 'POST keyed Request object aborted by the app during a hang', faults: { hang: true }, call: { method: 'POST', headers: KEY, body: { as: 'request', text: 'hello' }, abortAfterMs: 1_500 } },
  { name: 'GET retries 4 (over the policy), outage', faults: { outage: true }, call: { resilience: { retries: 4 } } },
  { name: 'PUT URLSearchParams, 503 then 200', faults: FAIL_ONCE, call: { method: 'PUT', body: { as: 'params', text: 'hello world' } } },
  { name: 'POST keyed Blob, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', headers: KEY, body: { as: 'blob', text: '{"a":1}' } } },
  // (The 429 must have come back by the abort, and the retry not yet gone: 1.5 s into a 3 s wait.)
  { name: "GET aborted by the app during a Retry-After wait", faults: { status429: true, retryAfter: '3' }, call: { resilience: { retries: 1 }, abortAfterMs: 1_500 } },
  { name: 'GET connection reset with a stored copy', first: {}, faults: { reset: true }, call: { resilience: { retries: 1 } } },
  { name: 'GET hang with a stored copy', first: {}, faults: { hang: true }, call: { resilience: { retries: 0 } } },
  { name: 'GET 429 whose Retry-After is past deadlineMs', faults: { status429: true, retryAfter: '3' }, call: { resilience: { deadlineMs: 1_000 } } },
  { name: 'GET with a signal aborted before the call', faults: { latencyMs: 200 }, call: { abortAfterMs: 0 }, unsent: true },
  { name: 'PATCH unkeyed, 503 then 200 (not retried)', faults: FAIL_ONCE, call: { method: 'PATCH', body: { as: 'string', text: 'hello' } } },
  {
    name: 'POST keyed during an outage, outbox: true',
    faults: { outage: true },
    call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' }, resilience: { outbox: true } },
    // By design (README, Outbox): only the worker keeps a write for later (202, source outbox,
    // reason queued), as only it outlives the page to deliver it; in the page `outbox: true`
    // does nothing, and the write fails as it would without it (the last 503 after its retries).
    known: { paths: ['page', 'page+zone', 'page under another worker'], fields: ['status', 'statusText', 'body', 'source', 'reason', 'attempts', 'stale', 'headers'] },
  },
  { name: 'GET Request object with a header, 503 then 200', faults: FAIL_ONCE, query: 'echoHeaders=1', call: { request: true, headers: { 'X-App': 'parity' } } },
  { name: "GET Request object with cache: 'no-store', then an outage", first: {}, firstUnstored: true, faults: { outage: true }, call: { request: true, init: { cache: 'no-store' } } },
  { name: 'DELETE Request object, 503 then 200', faults: FAIL_ONCE, call: { request: true, method: 'DELETE' } },
  { name: 'POST unkeyed Request object, idempotent: true, 503 then 200', faults: FAIL_ONCE, call: { method: 'POST', body: { as: 'request', text: 'hello' }, resilience: { idempotent: true } } },
  { name: 'GET Request object with a stored copy, an outage', first: {}, faults: { outage: true }, call: { request: true } },
  { name: 'POST keyed through a 307, 503 then 200', redirect: 307, faults: FAIL_ONCE, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' } } },
  { name: 'POST keyed through a 302 (sent on as a GET)', redirect: true, call: { method: 'POST', headers: KEY, body: { as: 'string', text: 'hello' } } },
  { name: 'PUT FormData through a 307, 503 then 200', redirect: 307, faults: FAIL_ONCE, call: { method: 'PUT', body: { as: 'form', text: 'hello' } } },
  { name: 'DELETE hang, retries 0, fallback none', faults: { hang: true }, call: { method: 'DELETE', resilience: { retries: 0, fallback: 'none' } } },
];

/** What the app and the upstream saw of one call. */
export type Seen = Record<string, unknown> & { upstream: string[] };

/** The compared headers of a response (see the exclusions above). */
/** `normalize`: each path's own upstream in a header's URL (X-Resilience-Url), as in response.url. */
function comparedHeaders(headers: Record<string, string>, normalize: (text: string) => string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !['x-resilience-trace-id', 'age', 'date'].includes(name))
      .map(([name, value]) => [name, name === 'retry-after' && /^\d+$/.test(value) ? 'whole seconds' : normalize(value)]),
  );
}

/**
 * A pause's remaining wait is read when each path's call runs, a few ms apart, or a second and
 * more on a loaded machine: what must match is its form (whole seconds, as the worker can only
 * say it; the page said 1925 for the worker's 2000), not the second it fell in.
 */
function wholeSeconds(ms: number | undefined): number | string | undefined {
  return ms !== undefined && ms > 0 && ms % 1000 === 0 ? 'whole seconds' : ms;
}

/** Where a call runs: a page, through our worker or in its own engine, in any browser. */
export interface Place {
  call(spec: CallSpec): Promise<FetchResult | FetchFailure>;
  /** The URLs in this origin's stored-copy database (tests/e2e/app/main.ts, storedUrls). */
  storedUrls(): Promise<string[]>;
  /** The page's own origin, where the paths run on different ones (it reaches the upstream in Origin and Referer). */
  appOrigin?: string;
}

/** Runs case `c` once at `place` against `up` (its own upstream) and returns what the app and the upstream saw. */
export async function observe(place: Place, up: ChaosUpstreamHandle, redirector: string, c: Case): Promise<Seen> {
  const query = [c.status !== undefined ? `status=${c.status}` : '', c.query ?? ''].filter(Boolean).join('&');
  const target = `/api/${encodeURIComponent(c.name)}${query ? `?${query}` : ''}`;
  const url = c.url ?? `${c.redirect ? `${redirector}/${c.redirect === 307 ? 'to307' : 'to'}/${up.port}` : up.url}${target}${c.fragment ?? ''}`;
  if (c.first !== undefined) {
    up.setFaults(c.first);
    // Generous limits: under a loaded machine a first call cut at 300 ms stored nothing, or never
    // heard the Retry-After that pauses the origin, and the case then ran against something else.
    // A copy to fall back on is stored by a GET that may store it, with the case's headers and
    // options otherwise: the case's own call may not (a HEAD, or fallback: 'none').
    const storing = Object.keys(c.first).length === 0 && !c.firstUnstored;
    const first = storing ? { ...c.call, method: undefined, resilience: { ...c.call?.resilience, fallback: 'cache' } } : c.call;
    await place.call({ ...first, resilience: { ...first?.resilience, timeoutMs: 5_000, deadlineMs: 10_000 }, url });
    // A copy is written behind the answer: wait until it is stored (it landed 5-117 ms after the
    // answer with two busy loops on 2 cores; a fixed sleep bounds nothing), or, where nothing may
    // be stored, 700 ms: long enough that a wrong write would have landed. (The very URL: another
    // call to the same upstream, a warm-up, may have stored a copy of its own.)
    if (storing) await storedWithin(place, url, 10_000);
    else if (Object.keys(c.first).length === 0) await sleep(700);
    up.resetFaults();
  }
  up.resetStats();
  up.setFaults(c.faults ?? {});
  const result = await place.call({ ...c.call, url });
  const normalize = (text: string) => text.replaceAll(up.url, '<up>').replace(`/${up.port}/`, '/<port>/').replaceAll(`127.0.0.1:${up.port}`, '<up-host>').replaceAll(redirector, '<redirector>').replaceAll(place.appOrigin ?? '<app>', '<app>').replace(/----(WebKitFormBoundary|geckoformboundary)\w+/g, '<boundary>');
  const upstream = up.requests().filter((r) => !r.preflight).map((r) => normalize(`${r.method} ${r.path} ${r.body} ${JSON.stringify(sentHeaders(r.headers))}`));
  if ('error' in result) return { error: normalize(`${result.error.name}: ${result.error.message}`), reason: result.error.reason, retryAfterMs: wholeSeconds(result.error.retryAfterMs), upstream };
  const { source, reason, attempts, stale } = result.meta;
  const { status, statusText, type, redirected } = result;
  return { status, statusText, type: type === 'default' ? 'basic' : type, body: comparedBody(normalize(result.body)), url: normalize(result.url), redirected, source, reason, attempts, stale, headers: comparedHeaders(result.headers, normalize), upstream };
}

async function storedWithin(place: Place, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await place.storedUrls()).includes(url)) {
    if (Date.now() > deadline) throw new Error(`no copy of ${url} stored within ${timeoutMs} ms`);
    await sleep(50);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The headers a request reached the upstream with, sorted, less the connection's and the client
 * hints (see comparedBody). Firefox's random multipart boundary has no fixed length (one form went
 * out as 168 and 170 bytes): there, a multipart body's Content-Length is not compared.
 */
function sentHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const geckoForm = String(headers['content-type']).includes('geckoformboundary');
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => !['host', 'connection'].includes(name) && !name.startsWith('sec-ch-ua'))
      .map(([name, value]) => [name, geckoForm && name === 'content-length' ? 'varies with the boundary' : value])
      .sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}

/**
 * The upstream's echo of the request headers (?echoHeaders=1), sorted, without the client hints
 * (`Sec-CH-UA*`) that Chromium adds to a page's requests and not to a worker's: the browser's
 * doing, not ours. Any other body as it is.
 */
function comparedBody(text: string): string {
  const echo = /^\{.*"headers":/.test(text) ? (JSON.parse(text) as { headers: Record<string, string> }) : undefined;
  if (echo === undefined) return text;
  echo.headers = Object.fromEntries(Object.entries(echo.headers).filter(([name]) => !name.startsWith('sec-ch-ua')).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(echo);
}

/** Each field where `other` differs from the worker's, and whether the case explains it. */
export function differences(c: Case, worker: Seen, path: PathName, other: Seen): { line: string; known: boolean }[] {
  const fields = new Set([...Object.keys(worker), ...Object.keys(other)]);
  return [...fields]
    .filter((f) => JSON.stringify(worker[f]) !== JSON.stringify(other[f]))
    .map((f) => ({ line: `${c.name} | ${path} | ${f} | worker: ${JSON.stringify(worker[f])} | ${path}: ${JSON.stringify(other[f])}`, known: (c.known?.paths.includes(path) ?? false) && c.known!.fields.includes(f) }));
}

/** 302s `/to/<port>/<path>` (307s `/to307/...`) to the chaos upstream on 127.0.0.1:<port>, with CORS as an API would. */
export async function startRedirector(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? '*');
    const to = /^\/(to|to307)\/(\d+)(\/.*)$/.exec(req.url ?? '');
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Headers', req.headers['access-control-request-headers'] ?? '');
      res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, PUT, DELETE');
      res.writeHead(204).end();
    } else if (to) res.writeHead(to[1] === 'to307' ? 307 : 302, { Location: `http://127.0.0.1:${to[2]}${to[3]}` }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => closeServer(server) };
}

export const PATHS = ['worker', 'page', 'page+zone', 'page under another worker'] as const;
export type PathName = (typeof PATHS)[number];
