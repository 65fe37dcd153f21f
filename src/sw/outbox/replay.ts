import { readWithin } from '../../core/read-within.js';
import { cancelBody } from '../../core/responses.js';
import { serverDelayMs } from '../../core/server-delay.js';
import { attemptsOf } from './attempts.js';
import { causeOf, replayVerdict } from './decision.js';
import { eventBase, type EventBase, type OutboxEntry, type OutboxEvent } from './entry.js';
import type { OutboxOptions } from './outbox.js';
import type { OriginBackoff, OutboxStore } from './store.js';

/**
 * What asked for a replay. A page asking and the device coming back online go at once. A success
 * on the same origin is news too, but it may come with every answer under load while the write
 * itself keeps failing, so it goes at most once a second (FIRST_DELAY_MS after the last failure).
 * The worker starting, a write queued behind others, calls to any origin (`traffic`) and the
 * browser's `sync` wait out the backoff:
 * Chromium fires `sync` as soon as a tag is registered while it thinks it is online, which says
 * nothing about an origin that failed a moment ago (and a rejected `sync` is retried later).
 */
export type ReplayTrigger = 'flush' | 'online' | 'sync' | 'success' | 'start' | 'behind' | 'traffic';
const AT_ONCE: ReadonlySet<ReplayTrigger> = new Set(['flush', 'online']);

/** Backoff between failed rounds: 1 s doubling to 5 min, full jitter above half (never 0). */
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 300_000;
/** How much of a failed replay's answer the `failed` event carries. */
const EXCERPT_CHARS = 500;

type Stored = OutboxEntry & { seq: number };
type ReplayerOptions = Pick<OutboxOptions, 'engine' | 'partition' | 'traceContext'> & {
  store: OutboxStore;
  now(): number;
  random(): number;
  report(event: OutboxEvent): void;
};

/**
 * Sends queued writes through the engine, oldest first, one at a time per origin, removing an
 * entry only once its fate is known: delivered (2xx/3xx) or refused by the server (4xx but
 * 408/429, and but a 409 while its Idempotency-Key may still be in progress: decision.ts). Anything else ends the origin's round and sets when the next may start. There are no
 * timers: a worker stopped mid-replay leaves the entry queued, and the next trigger sends it again
 * (with the same Idempotency-Key).
 */
export class Replayer {
  /** One drain per origin at a time: a second trigger joins the running one. */
  private readonly draining = new Map<string, Promise<void>>();

  constructor(private readonly options: ReplayerOptions) {}

  async run(trigger: ReplayTrigger, only?: string[]): Promise<void> {
    await this.expire();
    const { store, now } = this.options;
    const partition = this.options.partition();
    // Only the live partition's entries: a replay must carry the credentials of whoever queued it.
    const origins = (await store.origins(partition)).filter((o) => only === undefined || only.includes(o));
    const due = AT_ONCE.has(trigger) ? origins : await filterAsync(origins, async (o) => isDue(await store.backoff(o), trigger, now()));
    await Promise.all(due.map((origin) => this.drain(origin, partition)));
  }

  /** Joins the origin's running drain, which sends everything queued, oldest first. */
  private drain(origin: string, partition: string | null): Promise<void> {
    const running = this.draining.get(origin);
    if (running !== undefined) return running;
    const drained = this.drainOrigin(origin, partition).finally(() => this.draining.delete(origin));
    this.draining.set(origin, drained);
    return drained;
  }

  /**
   * The first send of a write just failed: the origin's next automatic replay waits like after
   * a failed round (a Background Sync event fires at once after registration in Chromium, and
   * would otherwise resend to an origin that failed a moment ago).
   */
  async failedSend(origin: string, outcome: Response | Error | undefined): Promise<void> {
    const backoff = await this.options.store.backoff(origin);
    const notBefore = this.nextTry(backoff.failedRounds + 1, outcome);
    if (notBefore > backoff.notBefore) await this.options.store.setBackoff({ origin, notBefore, failedRounds: backoff.failedRounds + 1, failedAt: this.options.now() });
  }

  private async drainOrigin(origin: string, partition: string | null): Promise<void> {
    const { store, now } = this.options;
    let failedRounds = (await store.backoff(origin)).failedRounds;
    for (;;) {
      // A sign-out (or another user signing in) mid-round: the next write would carry their cookies.
      if (this.options.partition() !== partition) return;
      const entry = await store.head(origin, partition);
      if (entry === undefined) return store.setBackoff({ origin, notBefore: 0, failedRounds: 0, failedAt: 0 });
      if (entry.expiresAt <= now()) {
        await this.drop(entry, { kind: 'expired', attempts: entry.attempts });
        continue;
      }
      const outcome = await this.send(entry);
      const verdict = replayVerdict(outcome, entry, now());
      const attempts = entry.attempts + attemptsOf(outcome);
      if (verdict === 'delivered') {
        await this.drop(entry, { kind: 'delivered', status: (outcome as Response).status, attempts });
        cancelBody(outcome as Response);
        failedRounds = 0; // the origin answers: a later failure starts the backoff afresh
        continue;
      }
      if (verdict === 'failed') {
        const response = outcome as Response;
        await this.drop(entry, { kind: 'failed', status: response.status, body: await excerpt(response), attempts });
        continue;
      }
      return this.defer(entry, outcome, failedRounds + 1);
    }
  }

  /** Sends one entry as it was queued: its bytes, its headers, its trace. Never rejects. */
  private async send(entry: Stored): Promise<Response | Error> {
    try {
      const body = await this.options.store.body(entry.seq);
      const traceContext = entry.traceparent !== undefined ? this.options.traceContext?.(entry.traceparent, entry.tracestate) : undefined;
      return await this.options.engine(requestOf(entry, body), traceContext !== undefined ? { resilience: { traceContext } } : {});
    } catch (error) {
      // A redirect refused under `redirect: 'error'` is the server's answer: judged as one (a 3xx is delivered).
      if (error instanceof Error && error.cause instanceof Response) return error.cause;
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private async defer(entry: Stored, outcome: Response | Error, failedRounds: number): Promise<void> {
    const { store, now } = this.options;
    if (outcome instanceof Response) cancelBody(outcome);
    const at = now();
    const notBefore = this.nextTry(failedRounds, outcome);
    const cause = causeOf(outcome);
    const attempts = entry.attempts + attemptsOf(outcome);
    // A 409 starts (or goes on with) the wait for its key's processing; any other answer ends it.
    const conflictSince = outcome instanceof Response && outcome.status === 409 ? (entry.conflictSince ?? at) : undefined;
    await store.update({ ...entry, attempts, lastCause: cause, conflictSince });
    await store.setBackoff({ origin: entry.origin, notBefore, failedRounds, failedAt: at });
    this.options.report({ ...eventBase(entry, at), kind: 'deferred', cause, attempts, notBefore });
  }

  /** Our backoff (doubling, jittered) or the server's Retry-After, whichever is later; capped. */
  private nextTry(failedRounds: number, outcome: Response | Error | undefined): number {
    const at = this.options.now();
    const ours = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failedRounds - 1)) * (0.5 + this.options.random() / 2);
    const asked = outcome instanceof Response ? (serverDelayMs(outcome.headers, at) ?? 0) : 0;
    return at + Math.max(ours, Math.min(asked, MAX_DELAY_MS));
  }

  private async drop(entry: Stored, outcome: DistributiveOmit<OutboxEvent, keyof EventBase>): Promise<void> {
    await this.options.store.remove(entry.seq);
    this.options.report({ ...eventBase(entry, this.options.now()), ...outcome } as OutboxEvent);
  }

  private async expire(): Promise<void> {
    const now = this.options.now();
    for (const entry of await this.options.store.entries()) {
      if (entry.expiresAt <= now) await this.drop(entry, { kind: 'expired', attempts: entry.attempts });
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The request as the page made it: same method, headers (Idempotency-Key included), bytes. */
export function requestOf(entry: OutboxEntry, body: ArrayBuffer | undefined): Request {
  const init: RequestInit = {
    method: entry.method,
    headers: entry.headers,
    credentials: entry.credentials,
    mode: entry.mode,
    redirect: entry.redirect,
    referrerPolicy: entry.referrerPolicy,
  };
  if (entry.method !== 'GET' && entry.method !== 'HEAD') init.body = body ?? new ArrayBuffer(0);
  try {
    return new Request(entry.url, { ...init, referrer: entry.referrer });
  } catch {
    return new Request(entry.url, init); // a referrer this context may not set: send without it
  }
}

/** The start of a refused write's answer, read within a small bound (an error page may be huge). */
async function excerpt(response: Response): Promise<string> {
  if (response.body === null) return '';
  try {
    const read = await readWithin(response.body, EXCERPT_CHARS * 4);
    if (!read.complete) void read.rest.cancel().catch(() => undefined);
    const bytes = read.complete ? [read.bytes] : read.chunks;
    const decoder = new TextDecoder();
    const text = bytes.map((b) => decoder.decode(b, { stream: true })).join('') + decoder.decode();
    return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  } catch {
    return '';
  }
}

async function filterAsync<T>(items: T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(keep));
  return items.filter((_, i) => verdicts[i]);
}

function isDue(backoff: OriginBackoff, trigger: ReplayTrigger, now: number): boolean {
  return backoff.notBefore <= now || (trigger === 'success' && now - backoff.failedAt >= FIRST_DELAY_MS);
}
