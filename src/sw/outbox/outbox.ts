import { isQuotaExceeded } from '../../cache/quota.js';
import { SOURCE } from '../../core/headers.js';
import { cancelBody } from '../../core/responses.js';
import type { CallOptions, OutboxPolicy, PolicyConfig, ResilientRequestInit } from '../../core/types.js';
import { acceptedResponse, refusedOutcome } from './answers.js';
import { causeOf, firstSendVerdict, isUndeliverable, outboxMayTake, outboxPolicyFor } from './decision.js';
import { eventBase, type OutboxEntry, type OutboxEvent, type OutboxListing, type OutboxRefusal } from './entry.js';
import { newIdempotencyKey, newOutboxId } from './ids.js';
import { Replayer, type ReplayTrigger } from './replay.js';
import { attemptsOf } from './attempts.js';
import { bodyWithin } from './body.js';
import type { OutboxStore } from './store.js';

/** How often calls through the worker may look for queued writes whose backoff is over. */
const LOOK_EVERY_MS = 1_000;

/** The engine as the outbox uses it (the worker's `rf`). */
export type Send = (request: Request, init?: ResilientRequestInit) => Promise<Response>;

export interface OutboxOptions {
  engine: Send;
  store: OutboxStore;
  /** The live policy (page-sent config included). */
  policy(): PolicyConfig | undefined;
  /** The live cache partition: entries belong to the one that queued them. */
  partition(): string | null;
  /** Every outbox event, for pages (broadcast) and logs. Must not throw (it is isolated anyway). */
  report?(event: OutboxEvent): void;
  /** Something of ours failed and was isolated (a log write, the sync registration). */
  degraded?(message: string): void;
  /** The original call's trace context from its traceparent, so replay spans join its trace. */
  traceContext?(traceparent: string, tracestate: string | undefined): CallOptions['traceContext'];
  /** Asks the browser for a `sync` event (Background Sync, where it exists). */
  requestSync?(): Promise<void>;
  /**
   * Replays wait for this (the worker's saved partition applies first). A replay is tracked from
   * the moment it is asked for, so `settled()` covers one still waiting here: the worker-start
   * replay is then under the waitUntil of the event that started the worker.
   */
  ready?: Promise<void>;
  now?(): number;
  random?(): number;
}

/** What the page sent about the original call's trace (the worker strips it before sending). */
export interface OriginalTrace {
  traceparent?: string | null;
  tracestate?: string | null;
}

/**
 * The outbox wraps the engine: a write marked for it is sent once through the engine and, when
 * the outcome means "not now", kept in IndexedDB and answered 202. Replays (see Replayer) go
 * through the same engine. Everything else passes straight to the engine.
 */
export class Outbox {
  private readonly replayer: Replayer;
  private readonly now: () => number;
  private readonly pending = new Set<Promise<unknown>>();
  /** Origins with queued entries (any partition), so a success elsewhere costs no IDB read. */
  private queuedOrigins: Set<string> | undefined;
  /** When the first queued origin's backoff ends, and when calls last looked (see noticeTraffic). */
  private nextDue = Infinity;
  private lastLook = -Infinity;

  constructor(private readonly options: OutboxOptions) {
    this.now = options.now ?? Date.now;
    this.replayer = new Replayer({ ...options, now: this.now, random: options.random ?? Math.random, report: (e) => this.report(e) });
  }

  /** The engine's fetch, with the outbox in front for writes marked for it. */
  async fetch(request: Request, init: ResilientRequestInit = {}, trace: OriginalTrace = {}): Promise<Response> {
    const config = this.options.policy();
    const perCall = init.resilience?.outbox;
    // `bypass` means no resilience at all; reads never go to the outbox.
    const candidate = init.resilience?.bypass !== true && request.method !== 'GET' && request.method !== 'HEAD' && outboxMayTake(config, perCall);
    const policy = candidate ? outboxPolicyFor(config, new URL(request.url).origin, perCall) : false;
    if (this.queuedOrigins?.size) this.noticeTraffic();
    if (policy === false || !policy.methods.includes(request.method.toUpperCase())) {
      const response = await this.options.engine(request, init);
      if (this.queuedOrigins === undefined || this.queuedOrigins.size > 0) this.noticeSuccess(new URL(request.url).origin, response);
      return response;
    }
    return this.sendOrKeep(request, init, trace, new URL(request.url).origin, policy);
  }

  /** Replays what can be replayed now (see Replayer for which triggers wait out the backoff). Never rejects. */
  async replay(trigger: ReplayTrigger, origins?: string[]): Promise<void> {
    const ready = this.options.ready ?? Promise.resolve();
    await this.track(ready.then(() => this.replayer.run(trigger, origins)).finally(() => this.refreshQueuedOrigins()));
  }

  /** Whether entries of the live partition still wait (a `sync` handler asks the browser to retry then). */
  async waiting(): Promise<boolean> {
    return (await this.options.store.origins(this.options.partition())).length > 0;
  }

  /** The live partition's entries and events only: one user never lists another's writes. */
  async list(): Promise<OutboxListing> {
    const store = this.options.store;
    const partition = this.options.partition();
    const [entries, origins, log] = await Promise.all([store.entries(), store.backoffs(), store.events()]);
    return {
      entries: entries.filter((e) => e.partition === partition).map(({ headers: _headers, ...rest }) => rest),
      origins,
      log: log.filter((e) => e.partition === partition),
    };
  }

  /** Empties one partition's entries (sign-out), or all. */
  async clear(partition?: string | null): Promise<number> {
    const removed = await this.options.store.clear(partition);
    await this.refreshQueuedOrigins();
    return removed;
  }

  /**
   * Resolves when the replays and log writes started so far have finished (for waitUntil), with
   * whether there were any (then their spans want exporting).
   */
  async settled(): Promise<boolean> {
    const any = this.pending.size > 0;
    // A replay may start from one that ends (a success seen, a refresh done): wait a few rounds,
    // bounded so that steady traffic cannot keep a worker's waitUntil open forever.
    for (let round = 0; round < 4 && this.pending.size > 0; round++) await Promise.allSettled([...this.pending]);
    return any;
  }

  private async sendOrKeep(request: Request, init: ResilientRequestInit, trace: OriginalTrace, origin: string, policy: OutboxPolicy): Promise<Response> {
    const method = request.method.toUpperCase();
    const body = await bodyWithin(request, policy.maxBytes); // read once: the first send and every replay use these bytes
    const headers = new Headers(request.headers);
    const idempotencyKey = headers.get('Idempotency-Key') || newIdempotencyKey(); // an empty one (Headers trim whitespace) is no key: no server can recognise a replay by it
    headers.set('Idempotency-Key', idempotencyKey);
    const entry = this.draft(request, method, headers, idempotencyKey, body?.byteLength ?? policy.maxBytes + 1, origin, policy, trace);
    // FIFO per origin: a write made while older ones wait goes behind them, never past them.
    if (await this.options.store.hasEntries(origin, entry.partition).catch(() => false)) {
      const answer = await this.keep(entry, body, policy, undefined, 'behind older writes');
      void this.replay('behind', [origin]); // stored first, so this round finds it
      return answer;
    }
    const fields: RequestInit = { headers, referrer: request.referrer, referrerPolicy: request.referrerPolicy };
    if (body !== undefined) fields.body = body; // else too large to keep: the original body goes on, unread
    const outgoing = new Request(request, fields);
    let outcome: Response | Error;
    try {
      outcome = await this.options.engine(outgoing, init);
    } catch (error) {
      if (!isUndeliverable(error)) throw error;
      outcome = error;
    }
    if (firstSendVerdict(outcome) === 'answer') {
      this.noticeSuccess(origin, outcome as Response);
      return outcome as Response;
    }
    return this.keep(entry, body, policy, outcome, causeOf(outcome));
  }

  /** `body` undefined: larger than the outbox keeps (bodyWithin). */
  private async keep(entry: OutboxEntry, body: ArrayBuffer | undefined, policy: OutboxPolicy, outcome: Response | Error | undefined, cause: string): Promise<Response> {
    entry.lastCause = cause;
    entry.attempts = outcome === undefined ? 0 : attemptsOf(outcome); // undefined: queued behind older writes, never sent
    let refusal: OutboxRefusal | undefined;
    try {
      const added = body === undefined ? { stored: false as const, cause: 'too-large' as const } : await this.options.store.add(entry, body, policy);
      if (!added.stored) refusal = added.cause;
    } catch (error) {
      refusal = isQuotaExceeded(error) ? 'quota-exceeded' : 'storage-error';
      this.options.degraded?.(`outbox: could not store a write to ${entry.origin} (${String(error)})`);
    }
    if (refusal !== undefined) {
      this.report({ ...eventBase(entry, this.now()), kind: 'refused', cause: refusal });
      return refusedOutcome(outcome, refusal, entry.url);
    }
    if (outcome instanceof Response) cancelBody(outcome);
    if (outcome !== undefined) await this.replayer.failedSend(entry.origin, outcome).catch(() => undefined);
    this.queuedOrigins?.add(entry.origin);
    void this.track(this.refreshQueuedOrigins()); // its backoff, for noticeTraffic
    this.report({ ...eventBase(entry, this.now()), kind: 'queued', cause });
    this.track(this.options.requestSync?.().catch((e: unknown) => this.options.degraded?.(`outbox: sync registration failed (${String(e)})`)));
    return acceptedResponse(entry);
  }

  private draft(request: Request, method: string, headers: Headers, idempotencyKey: string, bytes: number, origin: string, policy: OutboxPolicy, trace: OriginalTrace): OutboxEntry {
    const createdAt = this.now();
    return {
      id: newOutboxId(),
      origin,
      url: request.url,
      method,
      headers: [...headers],
      idempotencyKey,
      credentials: request.credentials,
      mode: request.mode === 'navigate' ? 'same-origin' : request.mode,
      redirect: request.redirect,
      referrer: request.referrer,
      referrerPolicy: request.referrerPolicy,
      partition: this.options.partition(),
      bytes,
      createdAt,
      expiresAt: createdAt + policy.maxAgeMs,
      attempts: 0,
      lastCause: '',
      ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
      ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    };
  }

  /** A success on an origin with queued writes is the best sign they can go now. */
  private noticeSuccess(origin: string, response: Response): void {
    if (!response.ok || (response.headers.get(SOURCE) ?? 'network') !== 'network') return;
    if (this.queuedOrigins === undefined) {
      void this.track(this.refreshQueuedOrigins().then(() => this.noticeSuccess(origin, response)));
      return;
    }
    if (this.queuedOrigins.has(origin)) void this.replay('success', [origin]);
  }

  /**
   * A call through the worker, to any origin, while writes wait: those whose backoff is over go.
   * Firefox and WebKit have no Background Sync and Chromium gives a sync up after three tries, so
   * a page calling another API kept a write waiting for the next online event, flush() or worker
   * start. Calls drive it, not a timer: the worker may be stopped at any moment. Known in memory
   * (no IndexedDB read per call), and at most once a second: entries of a partition not live now
   * never come due here.
   */
  private noticeTraffic(): void {
    const now = this.now();
    if (now < this.nextDue) return;
    this.lastLook = now;
    this.nextDue = now + LOOK_EVERY_MS;
    void this.replay('traffic');
  }

  private async refreshQueuedOrigins(): Promise<void> {
    const { store } = this.options;
    try {
      const [entries, backoffs] = await Promise.all([store.entries(), store.backoffs()]);
      const origins = new Set(entries.map((e) => e.origin));
      const notBefore = new Map(backoffs.map((b) => [b.origin, b.notBefore]));
      let due = Infinity;
      for (const origin of origins) due = Math.min(due, notBefore.get(origin) ?? 0); // no record: no backoff
      this.queuedOrigins = origins;
      this.nextDue = Math.max(due, this.lastLook + LOOK_EVERY_MS);
    } catch {
      this.queuedOrigins = new Set(); // unreadable: replays still come from the other triggers
    }
  }

  private report(event: OutboxEvent): void {
    try {
      this.options.report?.(event);
    } catch (error) {
      this.options.degraded?.(`outbox: a report listener threw (${String(error)})`);
    }
    this.track(this.options.store.log(event).catch((e: unknown) => this.options.degraded?.(`outbox: log write failed (${String(e)})`)));
  }

  private track<T>(promise: Promise<T> | undefined): Promise<T | undefined> {
    if (promise === undefined) return Promise.resolve(undefined);
    const tracked = promise.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return tracked;
  }
}
