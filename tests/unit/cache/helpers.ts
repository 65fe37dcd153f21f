// idb recognises IndexedDB objects with `instanceof IDBRequest` etc., so the fake's classes must be
// globals. Each test still gets its own database through a fresh IDBFactory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createIdbResponseCache, type CacheEvent, type IdbResponseCacheOptions } from '../../../src/cache/index.js';

export const URL_A = 'https://api.example.test/a';
export const URL_B = 'https://api.example.test/b';
export const URL_C = 'https://api.example.test/c';
export const URL_D = 'https://api.example.test/d';

export interface Harness {
  cache: ReturnType<typeof createIdbResponseCache>;
  factory: IDBFactory;
  events: CacheEvent[];
  clock: { now: () => number; advance: (ms: number) => void };
  /** Another cache object on the same database, as a second tab or a restarted worker would be. */
  sibling(options?: IdbResponseCacheOptions): ReturnType<typeof createIdbResponseCache>;
}

export function setup(options: IdbResponseCacheOptions = {}): Harness {
  let time = 1_700_000_000_000;
  const clock = { now: () => time, advance: (ms: number) => void (time += ms) };
  const factory = new IDBFactory();
  const events: CacheEvent[] = [];
  const make = (extra: IdbResponseCacheOptions = {}) =>
    createIdbResponseCache({ indexedDB: factory, now: clock.now, onEvent: (e) => events.push(e), ...options, ...extra });
  return { cache: make(), factory, events, clock, sibling: make };
}

export function get(url: string, headers?: HeadersInit): Request {
  return new Request(url, { headers });
}

export function ok(body: BodyInit | null, headers?: HeadersInit): Response {
  return new Response(body, { status: 200, headers });
}

/** A body of exactly `n` bytes. */
export function bytes(n: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(n).fill(7);
}

/** The body text of a match, or undefined on a miss. */
export async function matchText(cache: Harness['cache'], request: Request): Promise<string | undefined> {
  const found = await cache.match(request);
  return found === undefined ? undefined : found.response.text();
}
