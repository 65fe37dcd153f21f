import type { CacheStats } from '../cache/index.js';
import type { OriginSnapshot, PolicyConfig, ResilienceEvent } from '../core/types.js';
import type { OutboxAction } from './outbox/install.js';
import type { OutboxEvent, OutboxListing } from './outbox/entry.js';

/** The name of the channel every page listens on for state changes. */
export const STATE_CHANNEL = 'resilient-fetch:state';

/** What a page may change at run time without a worker restart. */
export interface LiveConfig {
  policy?: PolicyConfig;
  /** Keeps one user's cached responses from being served to another (null: no partition). */
  cachePartition?: string | null;
}

/** Page → worker, sent with a MessageChannel port for the reply. */
export type Command =
  | { type: 'snapshot' }
  | { type: 'configure'; config: LiveConfig }
  | { type: 'clear-cache'; partition?: string }
  | { type: 'claim' }
  /** List, flush or clear the outbox (the reply carries the listing after the action). */
  | ({ type: 'outbox' } & OutboxAction)
  /** The page aborted call `id` (browsers do not all abort the FetchEvent's request for us). */
  | { type: 'abort'; id: string };

/** Worker → page, on the command's port. */
export type Reply =
  | { ok: true; origins?: OriginSnapshot[]; config?: LiveConfig; cache?: CacheStats; outbox?: OutboxListing }
  | { ok: false; error: { name: string; message: string } };

/** Worker → every page, on the BroadcastChannel. */
export type Broadcast =
  | { type: 'state'; origins: OriginSnapshot[]; at: number }
  | { type: 'event'; event: ResilienceEvent }
  | { type: 'cache'; kind: 'stale-served' | 'fresh-arrived'; url: string; at: number }
  | { type: 'outbox'; event: OutboxEvent };
