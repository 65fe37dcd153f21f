import type { Clock, ResponseCache, SavedOriginState, StateStore } from '../../../src/core/index.js';

/** Lets pending promise callbacks run (a macrotask boundary drains every microtask). */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A clock that only moves when the test says so; timers fire in order as it advances. */
export class FakeClock implements Clock {
  private time = 1_700_000_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Move time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
    await flush();
  }
}

export type Reply =
  | { status?: number; headers?: Record<string, string>; body?: string; delayMs?: number }
  | 'network-error'
  | 'hang';

export interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | null;
  signal: AbortSignal | undefined;
  aborted: boolean;
}

/**
 * A transport that answers from a script, takes time on the fake clock, and honours abort
 * signals the way fetch does (rejecting with the signal's reason).
 */
export class FakeTransport {
  readonly seen: SeenRequest[] = [];
  private script: (request: SeenRequest, n: number) => Reply = () => ({ status: 200, body: 'ok' });

  constructor(private readonly clock: FakeClock) {}

  reply(script: (request: SeenRequest, n: number) => Reply): this {
    this.script = script;
    return this;
  }

  /** Replies in order; the last one repeats. */
  sequence(...replies: Reply[]): this {
    return this.reply((_, n) => replies[Math.min(n, replies.length - 1)]!);
  }

  count(origin?: string): number {
    return origin === undefined ? this.seen.length : this.seen.filter((r) => r.url.startsWith(origin)).length;
  }

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = request.body === null ? null : await request.text();
    const seen: SeenRequest = { url: request.url, method: request.method, headers: request.headers, body, signal: init?.signal ?? undefined, aborted: false };
    const n = this.seen.push(seen) - 1;
    const reply = this.script(seen, n);
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => {
        seen.aborted = true;
        reject(signal?.reason);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (reply === 'hang') return;
      const answer = () => {
        signal?.removeEventListener('abort', onAbort);
        if (reply === 'network-error') reject(new TypeError('fetch failed'));
        else resolve(new Response(reply.body ?? null, { status: reply.status ?? 200, headers: reply.headers }));
      };
      const delay = typeof reply === 'object' ? (reply.delayMs ?? 0) : 0;
      if (delay > 0) this.clock.setTimeout(answer, delay);
      else answer();
    });
  };
}

/** An in-memory StateStore, as the worker's IndexedDB one behaves. */
export class MemoryStore implements StateStore {
  readonly states = new Map<string, SavedOriginState>();
  async load(): Promise<SavedOriginState[]> {
    return [...this.states.values()];
  }
  async save(state: SavedOriginState): Promise<void> {
    this.states.set(state.origin, structuredClone(state));
  }
}

/** An in-memory ResponseCache keyed by URL. */
export class MemoryCache implements ResponseCache {
  readonly entries = new Map<string, { body: string; status: number; headers: [string, string][]; storedAt: number }>();
  constructor(private readonly clock: FakeClock) {}
  async match(request: Request) {
    const e = this.entries.get(request.url);
    if (e === undefined) return undefined;
    return { response: new Response(e.body, { status: e.status, headers: e.headers }), storedAt: e.storedAt };
  }
  async put(request: Request, response: Response) {
    this.entries.set(request.url, { body: await response.text(), status: response.status, headers: [...response.headers], storedAt: this.clock.now() });
  }
}

export const A = 'https://a.test';
export const B = 'https://b.test';
