import { outwaits, waitFor } from './admission.js';
import { attemptLoop, type Exhausted, type LoopHost } from './attempt-loop.js';
import { ATTEMPTS_MADE, type AttemptResult } from './attempt.js';
import { MAX_TIMER_MS } from './max-timer.js';
import type { Waiter } from './bulkhead.js';
import type { CallHost, Deps } from './deps.js';
import { ResilienceError } from './errors.js';
import { usesCache } from './fallback.js';
import { LocalRejection } from './local-rejection.js';
import type { OriginState } from './origin-state.js';
import { fail, rejectLocally } from './outcome.js';
import type { RequestPlan } from './request-plan.js';
import { staleWhileWaiting } from './stale-while-waiting.js';
import { reportError } from './report-error.js';
import { redactUrl } from './tracing.js';
import type { CallOptions, CallTrace, FallbackPolicy, OriginPolicy } from './types.js';

/**
 * One call through the pipeline: a concurrency slot, then attempts (attempt-loop.ts: each admitted,
 * timed from its own start and clamped to the deadline), then what the caller gets (outcome.ts).
 * Holds what its phases share.
 */
export class Call implements LoopHost {
  readonly deps: Deps;
  readonly policy: OriginPolicy;
  readonly method: string;
  readonly fallback: FallbackPolicy;
  readonly maxStaleMs: number;
  readonly span: CallTrace | undefined;
  attempts = 0;
  onAbort: (() => void) | null = null;
  readonly deadline: number;
  private holdsSlot = false;
  admitFully = false;
  /** Its caller has its answer (a stored copy); the call goes on only to refresh the store. */
  answered = false;
  /** Its place in the queue, while it waits there. */
  private waiter: Waiter | undefined;
  /** When the call got its slot (it may have waited in the queue since it started). */
  admittedAt: number;
  private queueWaitMs = 0;
  private redactedUrl: string | undefined;

  constructor(
    readonly engine: CallHost,
    readonly state: OriginState,
    readonly plan: RequestPlan,
    readonly url: string,
    /** The caller's signal (from init, or from the Request). */
    readonly signal: AbortSignal | undefined,
    readonly options: CallOptions | undefined,
    startedAt: number,
    /** The deadline, worked out when the call started. */
    deadline: number,
    /** What admission decided before the call was planned (null: admitted). */
    private readonly admission: LocalRejection | null,
  ) {
    this.deps = engine.deps;
    this.policy = state.policy;
    this.method = plan.method;
    this.deadline = deadline;
    this.admittedAt = startedAt;
    this.fallback = options?.fallback ?? this.policy.fallback;
    this.maxStaleMs = options?.maxStaleMs ?? this.policy.maxStaleMs;
    const tracing = this.deps.tracing;
    this.span = tracing?.startCall(options?.traceContext, plan.method, this.safeUrl());
  }

  run(): Promise<Response> {
    // Nothing to watch (no caller signal, no span, no stored copy racing the network): the call is
    // its sending, one async frame fewer. (Most such calls never get here: first-attempt.ts sends
    // them. These are the rest: refused at admission, queued, a breaker not closed, a body to replay.)
    if (this.signal === undefined && this.span === undefined && this.staleAfterMs() === undefined) return this.send();
    return this.runWatched();
  }

  private async runWatched(): Promise<Response> {
    const signal = this.signal;
    const abortListener = () => this.onAbort?.();
    signal?.addEventListener('abort', abortListener, { once: true });
    try {
      // Aborted while its body was being buffered (planning a body is async): the listener came too
      // late to hear it, and the request went out after the caller gave up on it.
      if (signal?.aborted) throw signal.reason;
      const sending = this.send();
      const waitMs = this.staleAfterMs();
      const response = await (waitMs === undefined ? sending : staleWhileWaiting(this, sending, waitMs));
      this.span?.end({ ...this.spanSummary(), 'http.response.status_code': response.status });
      return response;
    } catch (error) {
      const aborted = error !== undefined && error === signal?.reason;
      if (aborted) this.span?.outcome('aborted');
      this.span?.end(this.spanSummary(), aborted || error instanceof ResilienceError ? undefined : error);
      throw error;
    } finally {
      signal?.removeEventListener('abort', abortListener);
    }
  }

  /**
   * How long a GET with a stored copy waits for the network before the copy answers (none: no
   * such wait). None at all when it joined a queue whose oldest waiter has already waited that
   * long: behind a queue that has not moved (a hung backend holding every slot), a fresh answer
   * within the wait is not to be had, and the outage that follows would otherwise find it there.
   */
  private staleAfterMs(): number | undefined {
    if (this.admission !== null || !usesCache(this.method, this.deps.cache, this.fallback)) return undefined;
    const waitMs = this.options?.staleAfterMs ?? this.policy.staleAfterMs;
    if (waitMs > MAX_TIMER_MS) return undefined;
    return this.waiter !== undefined && this.state.bulkhead.oldestWaitMs(this.deps.clock.now()) >= waitMs ? 0 : waitMs;
  }

  private send(): Promise<Response> {
    if (this.admission !== null) {
      const wait = this.admission;
      return outwaits(wait, this.method, this.admittedAt, this.deadline) ? this.sendAfter(waitFor(wait)) : rejectLocally(this, wait);
    }
    if (!this.state.bulkhead.tryEnter()) return this.sendQueued();
    this.holdsSlot = true;
    this.state.budget.recordCall(this.admittedAt);
    return this.settle(attemptLoop(this, false));
  }

  /**
   * Goes on after a first attempt that first-attempt.ts sent without a Call and that did not end
   * in a plain answer: it holds the slot, and the attempt is judged already.
   */
  resume(first: AttemptResult): Promise<Response> {
    this.holdsSlot = true;
    this.attempts = 1;
    return this.settle(attemptLoop(this, false, first));
  }

  /** A write that meets a pause or the rate limit waits it out (see `outwaits`), then is admitted in full. */
  private async sendAfter(waitMs: number): Promise<Response> {
    await this.sleep(waitMs);
    this.admitFully = true;
    if (!this.state.bulkhead.tryEnter()) return this.sendQueued();
    this.holdsSlot = true;
    this.admittedAt = this.deps.clock.now();
    this.state.budget.recordCall(this.admittedAt);
    return this.settle(attemptLoop(this, true));
  }

  private async sendQueued(): Promise<Response> {
    const refused = await this.acquireSlot();
    if (refused === GAVE_PLACE) throw new DOMException('gave its queue place to a call with no answer yet', 'AbortError');
    if (refused !== null) return await rejectLocally(this, refused);
    this.state.budget.recordCall(this.admittedAt);
    return this.settle(attemptLoop(this, true));
  }

  /**
   * What the attempts came to, as the caller sees it. The slot is given back as soon as the
   * attempts are over, before any fallback lookup: when a breaker opens in front of a full queue,
   * each queued call would otherwise hold the slot through its IndexedDB read, and the queue would
   * drain one read after another (the scorecard's outage tail). Here, not in run(): a call answered
   * early from a stored copy keeps its slot while it refreshes.
   */
  private async settle(attempts: Promise<Response | LocalRejection | Exhausted>): Promise<Response> {
    let outcome: Response | LocalRejection | Exhausted;
    try {
      outcome = await attempts;
    } finally {
      this.releaseSlot();
    }
    if (outcome instanceof Response) return outcome;
    if (outcome instanceof LocalRejection) return await rejectLocally(this, outcome);
    try {
      return await fail(this, outcome.reason, outcome.last);
    } catch (error) {
      // fail() rejects with its own TypeError or TimeoutError: how many attempts it ends goes with it.
      (error as { [ATTEMPTS_MADE]?: number })[ATTEMPTS_MADE] = this.attempts;
      throw error;
    }
  }

  private releaseSlot(): void {
    if (!this.holdsSlot) return;
    this.holdsSlot = false;
    this.state.bulkhead.release();
  }

  /** A concurrency slot after waiting in the FIFO queue, until the deadline at most. */
  private acquireSlot(): Promise<LocalRejection | null> {
    const bulkhead = this.state.bulkhead;
    const clock = this.deps.clock;
    const queuedAt = clock.now();
    return new Promise<LocalRejection | null>((resolve, reject) => {
      let timer: unknown;
      const waiter: Waiter = {
        since: queuedAt,
        yieldPlace: () => {
          clock.clearTimeout(timer);
          this.onAbort = null;
          resolve(GAVE_PLACE);
        },
        admit: () => {
          clock.clearTimeout(timer);
          this.onAbort = null;
          this.holdsSlot = true;
          this.admittedAt = clock.now();
          this.queueWaitMs = this.admittedAt - queuedAt;
          resolve(null);
        },
      };
      if (!bulkhead.enqueue(waiter)) return resolve(new LocalRejection('queue-full'));
      this.waiter = waiter;
      const wait = this.deadline - queuedAt;
      if (wait <= MAX_TIMER_MS) {
        timer = clock.setTimeout(() => {
          bulkhead.cancel(waiter);
          this.onAbort = null;
          resolve(new LocalRejection('deadline'));
        }, wait);
      }
      this.onAbort = () => {
        bulkhead.cancel(waiter);
        clock.clearTimeout(timer);
        reject(this.signal?.reason);
      };
    });
  }

  /**
   * The Request the cache is asked about: the caller's headers (Vary) and whether it was made with
   * `cache: 'no-store'`, which the cache never stores. (Rebuilt without it, `fetch(url, { cache:
   * 'no-store' })` was stored.) Only 'no-store' is carried: the cache reads no other mode, and
   * 'only-if-cached' would make the Request constructor throw outside same-origin mode.
   */
  cacheKey(): Request {
    const input = this.plan.input;
    const init = this.plan.init;
    if (input instanceof Request && init?.headers === undefined && init?.cache === undefined && input.method === 'GET') return input;
    const mode = init?.cache ?? (input instanceof Request ? input.cache : undefined);
    const headers = init?.headers ?? (input instanceof Request ? input.headers : undefined);
    return new Request(this.url, mode === 'no-store' ? { headers, cache: mode } : { headers });
  }

  answeredEarly(): void {
    this.answered = true;
    if (this.waiter !== undefined) this.waiter.answered = true;
  }

  remainingMs(): number {
    return this.deadline - this.deps.clock.now();
  }

  mayPropagate(): boolean {
    const plan = this.plan;
    const mode = plan.init?.mode ?? (plan.input instanceof Request ? plan.input.mode : undefined);
    if (mode === 'no-cors') return false;
    const propagate = this.deps.propagate;
    if (propagate === undefined) return false;
    try {
      return propagate(new URL(this.url));
    } catch (error) {
      // Reported, never felt: thrown here, it rejected the call and kept a probe's trial for good.
      reportError(error);
      return false;
    }
  }

  sleep(ms: number): Promise<void> {
    const clock = this.deps.clock;
    return new Promise<void>((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        this.onAbort = null;
        resolve();
      }, ms);
      this.onAbort = () => {
        clock.clearTimeout(timer);
        reject(this.signal?.reason);
      };
    });
  }

  // ---- telemetry ----

  private spanSummary(): Record<string, number | string> {
    return {
      'resilience.attempts': this.attempts,
      'resilience.breaker.state': this.state.breaker.current(this.deps.clock.now()),
      'resilience.queue.wait_ms': this.queueWaitMs,
    };
  }

  /** The URL as spans and messages may show it (credentials and secret query values redacted). */
  safeUrl(): string {
    return (this.redactedUrl ??= redactUrl(this.url, this.deps.redacted));
  }

  traceIds(): { traceId?: string; spanId?: string } {
    return this.span?.ids() ?? {};
  }
}

/** What a queued call's wait came to when it gave its place to a call that had no answer yet. */
const GAVE_PLACE = new LocalRejection('queue-full');
