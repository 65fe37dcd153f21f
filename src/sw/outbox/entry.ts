/** One write kept until it can be delivered. Metadata only: the body lives in its own store. */
export interface OutboxEntry {
  /** FIFO order (IndexedDB key generator); absent until stored. */
  seq?: number;
  id: string;
  origin: string;
  url: string;
  method: string;
  /** As the page sent them, minus ours (options header, traceparent), plus the Idempotency-Key. */
  headers: [string, string][];
  idempotencyKey: string;
  credentials: RequestCredentials;
  mode: RequestMode;
  redirect: RequestRedirect;
  referrer: string;
  referrerPolicy: ReferrerPolicy;
  /** The cache partition that queued it (the signed-in user); only that partition replays it. */
  partition: string | null;
  /** Body size in bytes (what counts against maxBytes). */
  bytes: number;
  createdAt: number;
  expiresAt: number;
  /** Requests that went to the network so far, the first send's retries included (a local refusal sent none): see attempts.ts. */
  attempts: number;
  /** Why the last send did not deliver it ("offline", "status 503", "timeout"...). */
  lastCause: string;
  /** When a replay was first answered 409 in the current run of them (decision.ts, CONFLICT_PATIENCE_MS). */
  conflictSince?: number;
  /** The original call's trace, so replay spans join it. */
  traceparent?: string;
  tracestate?: string;
}

/** What every outbox event says about its entry. */
export interface EventBase {
  id: string;
  origin: string;
  /** Without credentials: events go to every tab. */
  url: string;
  method: string;
  at: number;
  partition: string | null;
}

export function eventBase(entry: OutboxEntry, at: number): EventBase {
  return { id: entry.id, origin: entry.origin, url: withoutCredentials(entry.url), method: entry.method, at, partition: entry.partition };
}

function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (u.username === '' && u.password === '') return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/** What pages are told about the outbox, on the state channel and in the log. */
export type OutboxEvent = EventBase & (
  | { kind: 'queued'; cause: string }
  | { kind: 'delivered'; status: number; attempts: number }
  | { kind: 'failed'; status: number; body: string; attempts: number }
  | { kind: 'expired'; attempts: number }
  | { kind: 'deferred'; cause: string; attempts: number; notBefore: number }
  | { kind: 'refused'; cause: OutboxRefusal }
);

/** Why the outbox could not keep a write (the caller then gets the original failure). */
export type OutboxRefusal = 'full' | 'too-large' | 'quota-exceeded' | 'storage-error';

/** What `handle.outbox.list()` returns: the live partition's entries and events. */
export interface OutboxListing {
  entries: Omit<OutboxEntry, 'headers'>[];
  /** Per origin: when the next automatic replay may start (after failed rounds). */
  origins: { origin: string; notBefore: number; failedRounds: number }[];
  /** The most recent events, oldest first. */
  log: OutboxEvent[];
}
