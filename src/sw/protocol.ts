import type { CacheStats, IdbResponseCacheOptions } from '../cache/index.js';
import type { OriginSnapshot, PolicyConfig, ResilienceEvent } from '../core/types.js';
import type { Resettable } from './config-overlay.js';
import type { OutboxAction } from './outbox/install.js';
import type { OutboxEvent, OutboxListing } from './outbox/entry.js';

/** The name of the channel every page listens on for state changes. */
export const STATE_CHANNEL = 'resilient-fetch:state';

/** Our worker's answer to `hello`: a page adds our headers only for a worker that says this. */
export const HELLO = 'resilient-fetch/1';

/**
 * The worker script's `cache` option: its limits and database, or `false` for no fallback cache.
 * The worker reports it with its handshake, so an in-page engine follows it (they share the database).
 */
export type CacheOption = false | Omit<IdbResponseCacheOptions, 'now' | 'indexedDB' | 'onEvent'>;

/** The worker's live config as `config()` reports it: the script's policy with what pages sent on top. */
export interface LiveConfig {
  /** Every origin's policy, and per-origin overrides, as in the worker script's `policy`. (the worker script's) */
  policy?: PolicyConfig;
  /** Keeps one user's cached responses from being served to another; null: no partition. (the worker script's, normally none) */
  cachePartition?: string | null;
}

/**
 * What a page may change at run time without a worker restart, with `configure()`. Merged over
 * what pages sent before; `null` anywhere in `policy` drops the pages' value there (one field,
 * one origin's override, or all of it) so the worker script's own value applies again.
 */
export interface ConfigUpdate {
  /** Merged over the policy pages sent before; `null` anywhere resets that part to the script's. (unchanged) */
  policy?: Resettable<PolicyConfig> | null;
  /** Keeps one user's cached responses from being served to another; null: back to the script's. (unchanged) */
  cachePartition?: string | null;
}

/** Page → worker, sent with a MessageChannel port for the reply. */
export type Command =
  /** Are you ours? Answered with `{ ok: true, hello: HELLO }`. */
  | { type: 'hello' }
  | { type: 'snapshot' }
  | { type: 'configure'; config: ConfigUpdate }
  | { type: 'clear-cache'; partition?: string }
  | { type: 'claim' }
  /** List, flush or clear the outbox (the reply carries the listing after the action). */
  | ({ type: 'outbox' } & OutboxAction)
  /** The page aborted call `id` (browsers do not all abort the FetchEvent's request for us). */
  | { type: 'abort'; id: string };


/** Worker → page, on the command's port. */
export type Reply =
  | { ok: true; origins?: OriginSnapshot[]; config?: LiveConfig; cache?: CacheStats; hello?: typeof HELLO; pageCache?: CacheOption; outbox?: OutboxListing }
  | { ok: false; error: { name: string; message: string } };

/** Worker → every page, on the BroadcastChannel. */
export type Broadcast =
  | { type: 'state'; origins: OriginSnapshot[]; at: number }
  | { type: 'event'; event: ResilienceEvent }
  | { type: 'cache'; kind: 'stale-served' | 'fresh-arrived'; url: string; at: number }
  | { type: 'outbox'; event: OutboxEvent };
