import './service-worker-globals.js';
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WorkboxPlugin } from 'workbox-core/types.js';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { describeResponse } from '../../../src/core/describe.js';
import { IN_PAGE_FRAGMENT } from '../../../src/sw/in-page-mark.js';
import { ResilientStrategy, type ResilientStrategyOptions } from '../../../src/workbox/index.js';
import { fetchEvent, navigation } from './service-worker-globals.js';

type Reply = { status: number; body?: string; headers?: Record<string, string> } | 'network-error';

/** The upstream: answers from a script, then repeats the last reply; records what arrived. */
function upstream(...script: Reply[]) {
  const seen: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request);
    const reply = script.length > 1 ? script.shift()! : script[0]!;
    if (reply === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(reply.body ?? `status ${reply.status}`, { status: reply.status, headers: reply.headers });
  });
  vi.stubGlobal('fetch', fetch);
  return { seen };
}

/** A plugin that writes down every callback Workbox gives it. */
function recorder() {
  const log: string[] = [];
  const plugin: WorkboxPlugin = {
    requestWillFetch: async ({ request }) => {
      log.push(`requestWillFetch ${new URL(request.url).pathname}`);
      return new Request(request, { headers: { ...Object.fromEntries(request.headers), 'x-app-plugin': 'yes' } });
    },
    fetchDidSucceed: async ({ response }) => {
      log.push(`fetchDidSucceed ${response.status}`);
      return response;
    },
    fetchDidFail: async ({ error }) => {
      log.push(`fetchDidFail ${error.name}`);
    },
    handlerWillRespond: async ({ response }) => {
      log.push(`handlerWillRespond ${describeResponse(response).source}`);
      return response;
    },
  };
  return { log, plugin };
}

const offlinePage: WorkboxPlugin = {
  handlerDidError: async ({ error }) =>
    new Response(`offline (${(error as Error & { reason?: string }).reason ?? error.name})`, { status: 200, headers: { 'x-offline-page': '1' } }),
};

let databases = 0;
function strategy(options: ResilientStrategyOptions = {}): ResilientStrategy {
  return new ResilientStrategy({ cacheName: `unit-${++databases}`, cache: false, persistState: false, random: () => 0, ...options });
}

/** Handles one request as a route would; resolves once Workbox and the engine have finished. */
async function handle(s: ResilientStrategy, request: Request | string, event = fetchEvent()): Promise<Response> {
  const [response, done] = s.handleAll({ request: typeof request === 'string' ? new Request(request) : request, event: event as never });
  const answer = await response;
  await done;
  await Promise.all(event.lifetime);
  return answer;
}

const tripFast = { retry: { maxRetries: 0 }, breaker: { minimumCalls: 2, failureRateThreshold: 0.5 } };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ResilientStrategy (Workbox)', () => {
  it('refuses invalid callOptions when it is made, not on every request after', () => {
    expect(() => strategy({ callOptions: { retries: -1 } })).toThrow(TypeError);
    expect(() => strategy({ callOptions: { retries: -1 } })).toThrow('retries must be an integer >= 0, got -1');
    expect(() => strategy({ callOptions: { timeout: 5 } as never })).toThrow('timeout is not a known option');
  });

  it('refuses bad options when it is made, naming the field and the value', () => {
    const refused: [unknown, string][] = [
      [null, 'options must be an object, got null'],
      ['policy', 'options must be an object, got "policy"'],
      [{ plugins: { fetchDidFail() {} } }, 'plugins must be an array of Workbox plugins, got {}'],
      [{ plugins: [offlinePage, null] }, 'plugins[1] must be a Workbox plugin (an object), got null'],
      [{ persistState: 'no' }, 'persistState must be true or false, got "no"'],
      [{ cache: true }, 'cache must be false or an object, got true'],
      [{ cache: null }, 'cache must be false or an object, got null'],
      [{ cacheName: {} }, 'cacheName must be a non-empty string, got {}'],
      [{ random: 0.5 }, 'random must be a function, got 0.5'],
      [{ tracer: {} }, 'tracer is not a known option'],
    ];
    for (const [options, message] of refused) {
      expect(() => new ResilientStrategy(options as never), JSON.stringify(options)).toThrow(TypeError);
      expect(() => new ResilientStrategy(options as never), JSON.stringify(options)).toThrow(message);
    }
  });

  it('sends every attempt, retries included, through the app\'s plugins', async () => {
    const up = upstream({ status: 503 }, { status: 503 }, { status: 200, body: 'up' });
    const { log, plugin } = recorder();
    const res = await handle(strategy({ plugins: [plugin] }), 'https://api.test/items');

    expect(await res.text()).toBe('up');
    expect(describeResponse(res)).toMatchObject({ source: 'network', attempts: 3 });
    expect(log).toEqual([
      'requestWillFetch /items', 'fetchDidSucceed 503',
      'requestWillFetch /items', 'fetchDidSucceed 503',
      'requestWillFetch /items', 'fetchDidSucceed 200',
      'handlerWillRespond network',
    ]);
    expect(up.seen.map((r) => r.headers.get('x-app-plugin'))).toEqual(['yes', 'yes', 'yes']);
  });

  it('sends the in-page engine\'s attempts once, through the app\'s plugins, and keeps them out of its breaker', async () => {
    const up = upstream({ status: 503 });
    const { log, plugin } = recorder();
    const s = strategy({ plugins: [plugin], policy: { defaults: tripFast } });
    for (let i = 0; i < 3; i++) expect((await handle(s, `https://api.test/items${IN_PAGE_FRAGMENT}`)).status).toBe(503);

    expect(up.seen).toHaveLength(3); // one per attempt of the page's engine, not its retries times ours
    expect(up.seen.map((r) => r.headers.get('x-app-plugin'))).toEqual(['yes', 'yes', 'yes']);
    expect(log.filter((line) => line.startsWith('requestWillFetch'))).toHaveLength(3);
    expect(s.fetch.snapshot()).toEqual([]); // our engine never saw them: no second breaker or budget
  });

  it('reports each failed attempt to fetchDidFail, then lets handlerDidError answer', async () => {
    upstream('network-error');
    const { log, plugin } = recorder();
    const res = await handle(strategy({ plugins: [plugin, offlinePage], policy: { defaults: { retry: { maxRetries: 1 } } } }), 'https://api.test/x');

    expect(await res.text()).toBe('offline (TypeError)');
    expect(log).toEqual(['requestWillFetch /x', 'fetchDidFail TypeError', 'requestWillFetch /x', 'fetchDidFail TypeError', 'handlerWillRespond network']);
  });

  it('opens the breaker, then answers from the offline-page plugin without touching the upstream', async () => {
    const up = upstream({ status: 500 });
    const s = strategy({ plugins: [offlinePage], policy: { defaults: tripFast } });
    expect((await handle(s, 'https://api.test/a')).status).toBe(500);
    expect((await handle(s, 'https://api.test/a')).status).toBe(500);

    const res = await handle(s, 'https://api.test/a');
    expect(await res.text()).toBe('offline (circuit-open)');
    expect(up.seen).toHaveLength(2);
    expect(s.fetch.snapshot()[0]?.breaker.state).toBe('open');
  });

  it('a handlerDidError plugin that throws is asked once and reported; the next plugin, else our 503, answers', async () => {
    upstream({ status: 500 });
    const reported = vi.fn();
    vi.stubGlobal('reportError', reported);
    const broken = { handlerDidError: vi.fn(async (): Promise<Response> => { throw new Error('offline page missing'); }) };
    const s = strategy({ plugins: [broken], policy: { defaults: tripFast } });
    await handle(s, 'https://api.test/a');
    await handle(s, 'https://api.test/a');

    const res = await handle(s, 'https://api.test/a');
    expect(describeResponse(res)).toMatchObject({ source: 'synthetic', reason: 'circuit-open' });
    expect(broken.handlerDidError).toHaveBeenCalledTimes(1);
    expect(reported).toHaveBeenCalledWith(expect.objectContaining({ message: 'offline page missing' }));

    s.plugins.push(offlinePage);
    expect(await (await handle(s, 'https://api.test/a')).text()).toBe('offline (circuit-open)');
  });

  it('a requestWillFetch plugin that throws sent nothing: the call fails with its error, and the breaker holds nothing against the upstream', async () => {
    const up = upstream({ status: 200, body: 'fresh' });
    let token: string | undefined;
    const auth: WorkboxPlugin = {
      requestWillFetch: async ({ request }) => {
        if (token === undefined) throw new Error('signed out');
        return new Request(request, { headers: { authorization: token } });
      },
    };
    const s = strategy({ plugins: [auth], policy: { defaults: tripFast } });
    for (let i = 0; i < 4; i++) await expect(handle(s, 'https://api.test/a')).rejects.toThrow('signed out');
    expect(up.seen).toHaveLength(0);
    expect(s.fetch.snapshot()[0]?.breaker).toMatchObject({ state: 'closed', failures: 0 });
    token = 'Bearer t';
    const res = await handle(s, 'https://api.test/a'); // signed in again: sent, not refused as circuit-open
    expect(await res.text()).toBe('fresh');
    expect(up.seen[0]?.headers.get('authorization')).toBe('Bearer t');
  });

  // Workbox runs fetchDidSucceed inside handler.fetch's try, so a plugin that throws there rejects
  // the fetch (after fetchDidFail) as a network error would: the upstream answered all the same.
  it('a fetchDidSucceed plugin that throws is not the upstream failing: the call fails with its error, nothing is resent, the breaker stays closed', async () => {
    const up = upstream({ status: 200, body: 'applied' });
    let broken = true;
    const buggy: WorkboxPlugin = {
      fetchDidSucceed: async ({ response }) => {
        if (broken) throw new Error('plugin bug');
        return response;
      },
    };
    const s = strategy({ plugins: [buggy], policy: { defaults: { ...tripFast, retry: { maxRetries: 2, baseDelayMs: 0 } } } });
    const write = () => new Request('https://api.test/orders', { method: 'POST', body: 'order', headers: { 'Idempotency-Key': 'k1' } });
    for (let i = 0; i < 4; i++) await expect(handle(s, write())).rejects.toThrow('plugin bug');
    expect(up.seen).toHaveLength(4); // once per call: the write arrived, so it is not sent again
    expect(s.fetch.snapshot()[0]?.breaker).toMatchObject({ state: 'closed', failures: 0 });
    broken = false;
    expect(await (await handle(s, write())).text()).toBe('applied'); // not refused as circuit-open
  });

  // A navigation's attempt cannot be cancelled (it goes without our signal): one that timed out
  // may still be answered while the retry runs. That late answer is not the retry's.
  it('a navigation whose timed-out attempt is answered late, while its retry fails on the network: the retry is a failure, and the stored copy answers', async () => {
    const replies = [
      async () => new Response('fresh page', { status: 200 }),
      () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('late page', { status: 200 })), 130)), // during the retry
      () => new Promise<Response>((_, reject) => setTimeout(() => reject(new TypeError('Failed to fetch')), 80)), // before its own timeout
    ];
    vi.stubGlobal('fetch', vi.fn(async () => replies.shift()!()));
    const s = strategy({ cache: {}, policy: { defaults: { timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } } } });
    const page = () => {
      const request = new Request('https://app.test/inbox');
      Object.defineProperty(request, 'mode', { value: 'navigate' });
      return request;
    };
    expect(await (await handle(s, page())).text()).toBe('fresh page');

    const res = await handle(s, page());
    expect(await res.text()).toBe('fresh page');
    expect(describeResponse(res)).toMatchObject({ source: 'cache', reason: 'network-error' });
    expect(replies).toHaveLength(0);
    expect(s.fetch.snapshot()[0]?.breaker).toMatchObject({ failures: 2 }); // the timeout, then the network error
  });

  it('without a handlerDidError plugin, a local rejection is our 503 with its reason', async () => {
    upstream({ status: 500 });
    const s = strategy({ policy: { defaults: tripFast } });
    await handle(s, 'https://api.test/a');
    await handle(s, 'https://api.test/a');

    const res = await handle(s, 'https://api.test/a');
    expect(res.status).toBe(503);
    expect(describeResponse(res)).toMatchObject({ source: 'synthetic', reason: 'circuit-open', attempts: 0 });
    expect(res.headers.get('Retry-After')).not.toBeNull();
  });

  it('strips the page\'s headers before any plugin or the upstream sees them, and applies its options', async () => {
    const up = upstream({ status: 503 });
    const seenByPlugin: Headers[] = [];
    const plugin: WorkboxPlugin = { requestWillFetch: async ({ request }) => (seenByPlugin.push(request.headers), request) };
    const request = new Request('https://api.test/y', {
      headers: { [OPTIONS_HEADER]: JSON.stringify({ retries: 0 }), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', accept: 'application/json' },
    });
    const res = await handle(strategy({ plugins: [plugin] }), request);

    expect(res.status).toBe(503);
    expect(up.seen).toHaveLength(1); // the page said retries: 0, the policy's default is 2
    for (const headers of [...seenByPlugin, ...up.seen.map((r) => r.headers)]) {
      expect([...headers.keys()].sort()).toEqual(['accept']);
    }
  });

  it("passes a page's upload on unread when it strips the headers: past maxBufferedBodyBytes it goes once, whole, having been read no further than the limit", async () => {
    const total = 1024 * 1024;
    const chunk = 16 * 1024;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk;
        controller.enqueue(new Uint8Array(chunk).fill(97));
      },
    }, { highWaterMark: 0 });
    const pulledAtSend: number[] = [];
    const sent: number[] = [];
    vi.stubGlobal('fetch', async (input: RequestInfo | URL, init?: RequestInit) => {
      pulledAtSend.push(pulled);
      sent.push((await new Request(input, init).arrayBuffer()).byteLength);
      return new Response('busy', { status: 503 });
    });
    const request = new Request('https://api.test/upload', {
      method: 'PUT',
      body,
      duplex: 'half',
      headers: { [OPTIONS_HEADER]: '{}', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    } as RequestInit);
    const res = await handle(strategy({ policy: { defaults: { retry: { maxBufferedBodyBytes: 64 * 1024, baseDelayMs: 1, maxDelayMs: 1 } } } }), request);
    expect(res.status).toBe(503);
    expect(sent).toEqual([total]);
    expect(pulledAtSend[0]).toBeLessThan(128 * 1024); // it was the whole megabyte: read to rebuild the Request
  });

  it('hands every plugin callback the request without the page\'s headers, the handler\'s own callbacks and the fallback included', async () => {
    upstream('network-error');
    const seen: string[] = [];
    const note = (callback: string) => async ({ request }: { request: Request }) => void seen.push(`${callback}: ${[...request.headers.keys()].sort().join(' ')}`);
    const watcher: WorkboxPlugin = {
      handlerWillStart: note('handlerWillStart'),
      requestWillFetch: async ({ request }) => (await note('requestWillFetch')({ request }), request),
      handlerWillRespond: async ({ request, response }) => (await note('handlerWillRespond')({ request }), response),
      handlerDidRespond: note('handlerDidRespond'),
      handlerDidComplete: note('handlerDidComplete'),
    };
    const offline: WorkboxPlugin = { handlerDidError: async ({ request }) => (await note('handlerDidError')({ request }), new Response('offline')) };
    const request = new Request('https://api.test/z', {
      headers: { [OPTIONS_HEADER]: JSON.stringify({ retries: 0 }), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', accept: 'text/html' },
    });
    const res = await handle(strategy({ plugins: [watcher, offline] }), request);

    expect(await res.text()).toBe('offline');
    expect(seen).toEqual([
      'handlerWillStart: accept', 'requestWillFetch: accept', 'handlerDidError: accept',
      'handlerWillRespond: accept', 'handlerDidRespond: accept', 'handlerDidComplete: accept',
    ]);
  });

  it('passes on a traceparent the app\'s own instrumentation set, and parents the worker\'s call span on it', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const up = upstream({ status: 200 });
    const parents: unknown[] = [];
    const tracing = {
      active: () => 'no parent',
      extract: (headers: Headers) => `parent ${headers.get('traceparent')}`,
      startCall: (parent: unknown) => void parents.push(parent),
    };
    const appRequest = () => new Request('https://api.test/t', { headers: { traceparent } }); // no options header: not from our page client
    await handle(strategy(), appRequest());
    await handle(strategy({ tracing: tracing as never }), appRequest());

    expect(up.seen.map((r) => r.headers.get('traceparent'))).toEqual([traceparent, traceparent]);
    expect(parents).toEqual([`parent ${traceparent}`]);
  });

  it('stores what cacheWillUpdate lets through and serves it when the upstream fails, through handlerWillRespond', async () => {
    upstream({ status: 200, body: 'keep me' }, { status: 200, body: 'private', headers: { 'x-private': '1' } }, 'network-error');
    const { log, plugin } = recorder();
    const noPrivate: WorkboxPlugin = { cacheWillUpdate: async ({ response }) => (response.headers.has('x-private') ? null : response) };
    const s = strategy({ cache: {}, plugins: [noPrivate, plugin, offlinePage], policy: { defaults: { retry: { maxRetries: 0 } } } });
    await handle(s, 'https://api.test/public');
    await handle(s, 'https://api.test/private');
    log.length = 0;

    const stale = await handle(s, 'https://api.test/public');
    expect(await stale.text()).toBe('keep me');
    expect(describeResponse(stale)).toMatchObject({ source: 'cache', reason: 'network-error' });
    expect(log).toEqual(['requestWillFetch /public', 'fetchDidFail TypeError', 'handlerWillRespond cache']);

    expect(await (await handle(s, 'https://api.test/private')).text()).toBe('offline (TypeError)');
  });

  it('lets navigation preload answer the first attempt only: a retry goes to the network, not to the same spent preload', async () => {
    const up = upstream({ status: 200, body: 'fresh page' });
    const { log, plugin } = recorder();
    const nav = navigation('https://app.test/inbox', new Response('preload says busy', { status: 503 }));
    const res = await handle(strategy({ plugins: [plugin], policy: { defaults: { retry: { maxRetries: 1 } } } }), nav.request, nav.event);

    expect(res.status).toBe(200);
    expect(await res.text()).toBe('fresh page');
    expect(up.seen).toHaveLength(1); // the preload answered attempt one; only the retry was fetched
    expect(log).toEqual(['requestWillFetch /inbox', 'fetchDidSucceed 200', 'handlerWillRespond network']);
  });

  it('a navigation preload that answers well is the answer: the upstream is not asked again', async () => {
    const up = upstream({ status: 200, body: 'from the network' });
    const nav = navigation('https://app.test/inbox', new Response('preloaded page'));
    const res = await handle(strategy(), nav.request, nav.event);

    expect(await res.text()).toBe('preloaded page');
    expect(up.seen).toHaveLength(0);
  });
});

describe('a new version of a Workbox worker that installs while the old one serves', () => {
  it('takes over with the breakers the old one saved after it installed (an "update ready" prompt)', async () => {
    upstream({ status: 500 });
    const options = { cacheName: `unit-${++databases}`, cache: false as const, random: () => 0, policy: { defaults: { ...tripFast, breaker: { ...tripFast.breaker, openMs: 60_000 } } } };
    const v1 = new ResilientStrategy(options);
    await v1.fetch.ready();
    // v2's script runs now, at install, and reads the saved state as it is (nothing yet)
    const listeners = new Map<string, (event: Event) => void>();
    vi.stubGlobal('serviceWorker', { state: 'installing' });
    vi.stubGlobal('addEventListener', (type: string, listener: (event: Event) => void) => listeners.set(type, listener));
    const v2 = new ResilientStrategy(options);
    await v2.fetch.ready();

    for (let i = 0; i < 2; i++) await handle(v1, 'https://api.test/a');
    await v1.fetch.settled();
    expect(v1.fetch.snapshot()[0]?.breaker.state).toBe('open');

    const activate = fetchEvent();
    listeners.get('activate')?.(activate);
    await Promise.all(activate.lifetime);
    expect(v2.fetch.snapshot().find((o) => o.origin === 'https://api.test')?.breaker.state).toBe('open');
  });
});
