import { SpanStatusCode, context as otelContext, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { LocalRejection } from './admission.js';
import { backoffDelay } from './backoff.js';
import type { Permit } from './circuit-breaker.js';
import { isFailureStatus, isPushbackStatus } from './classify.js';
import { ResilienceError } from './errors.js';
import type { OriginState } from './origin-state.js';
import type { RequestPlan } from './request-plan.js';
import { annotate, syntheticResponse } from './responses.js';
import { serverDelayMs } from './server-delay.js';
import { endAttemptSpan, injectTraceContext, redactUrl, startAttemptSpan, startCallSpan } from './tracing.js';
import type { CallOptions, Clock, FallbackPolicy, FailureReason, OriginPolicy, ResilienceEvent, ResilienceReason, ResponseCache } from './types.js';

/** What one attempt came to. */
type AttemptResult =
  | { kind: 'response'; response: Response; failure: boolean; durationMs: number }
  | { kind: 'timeout' | 'network-error'; error: unknown; durationMs: number }
  | { kind: 'aborted'; durationMs: number };

/** Timers longer than this fire at once in browsers and Node; treat them as "no timer". */
const MAX_TIMER_MS = 2_147_483_647;

/** What a call needs from the engine that runs it. */
export interface CallHost {
  readonly deps: Deps;
  emit(event: ResilienceEvent): void;
  /** Keep a write-behind promise alive for `settled()`. */
  track(promise: Promise<unknown>): void;
  /** Write an origin's state behind. */
  save(state: OriginState): void;
}

/** What every call shares, built once per engine. */
export interface Deps {
  transport: typeof fetch;
  clock: Clock;
  random: () => number;
  cache: ResponseCache | undefined;
  tracer: Tracer | undefined;
  isOnline: () => boolean;
  redacted: ReadonlySet<string>;
  propagate: ((url: URL) => boolean) | undefined;
  /** Whether anyone listens for events (building them costs on the hot path). */
  listening: boolean;
}

/** One call through the pipeline. Holds what its phases share; lives as long as the call. */
export class Call {
  private readonly deps: Deps;
  private readonly policy: OriginPolicy;
  private readonly deadline: number;
  private readonly fallback: FallbackPolicy;
  private attempts = 0;
  private holdsSlot = false;
  private queueWaitMs = 0;
  /** Cancels whatever the call is waiting on (queue, attempt, backoff) when the caller aborts. */
  private onAbort: (() => void) | null = null;
  private span: Span | undefined;
  private spanContext: Context | undefined;
  private redactedUrl: string | undefined;

  constructor(
    private readonly engine: CallHost,
    private readonly state: OriginState,
    private readonly plan: RequestPlan,
    private readonly url: string,
    /** The caller's signal (from init, or from the Request). */
    private readonly signal: AbortSignal | undefined,
    private readonly options: CallOptions | undefined,
    private readonly startedAt: number,
    /** What admission decided before the call was planned (null: admitted). */
    private readonly admission: LocalRejection | null,
  ) {
    this.deps = engine.deps;
    this.policy = state.policy;
    this.deadline = startedAt + (options?.deadlineMs ?? this.policy.deadlineMs);
    this.fallback = options?.fallback ?? this.policy.fallback;
  }

  async run(): Promise<Response> {
    const signal = this.signal;
    const tracer = this.deps.tracer;
    if (tracer !== undefined) {
      const started = startCallSpan(tracer, this.options?.traceContext ?? otelContext.active(), this.plan.method, this.safeUrl());
      this.span = started.span;
      this.spanContext = started.context;
    }
    const abortListener = () => this.onAbort?.();
    signal?.addEventListener('abort', abortListener, { once: true });
    try {
      const response = await this.send();
      this.endSpan(response);
      return response;
    } catch (error) {
      this.endSpan(undefined, error);
      throw error;
    } finally {
      signal?.removeEventListener('abort', abortListener);
      if (this.holdsSlot) this.state.bulkhead.release();
    }
  }

  private async send(): Promise<Response> {
    if (this.admission !== null) return this.rejectLocally(this.admission);
    const slot = this.acquireSlot();
    const refused = slot === null ? null : await slot;
    if (refused !== null) return this.rejectLocally(refused);
    this.state.budget.recordCall(slot === null ? this.startedAt : this.deps.clock.now());
    const outcome = await this.attemptLoop();
    if (outcome instanceof Response) return outcome;
    if (outcome instanceof LocalRejection) return this.rejectLocally(outcome);
    return this.fail(outcome.reason, outcome.last);
  }

  /** A concurrency slot: at once, or after waiting in the FIFO queue until the deadline. */
  private acquireSlot(): Promise<LocalRejection | null> | null {
    const bulkhead = this.state.bulkhead;
    if (bulkhead.tryEnter()) {
      this.holdsSlot = true;
      return null;
    }
    const clock = this.deps.clock;
    const queuedAt = clock.now();
    return new Promise<LocalRejection | null>((resolve, reject) => {
      let timer: unknown;
      const waiter = {
        admit: () => {
          clock.clearTimeout(timer);
          this.onAbort = null;
          this.holdsSlot = true;
          this.queueWaitMs = clock.now() - queuedAt;
          resolve(null);
        },
      };
      if (!bulkhead.enqueue(waiter)) return resolve(new LocalRejection('queue-full'));
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

  private async attemptLoop(): Promise<Response | LocalRejection | { reason: FailureReason | 'circuit-open'; last: AttemptResult | undefined }> {
    const { clock, random } = this.deps;
    const state = this.state;
    const retry = this.policy.retry;
    const maxRetries = this.options?.retries ?? retry.maxRetries;
    let previousDelay = retry.baseDelayMs;
    let last: AttemptResult | undefined;
    for (;;) {
      const now = this.attempts === 0 ? this.startedAt : clock.now();
      if (now >= this.deadline) return { reason: 'deadline', last };
      const permit = state.breaker.tryAcquire(now);
      if (permit === null) {
        return this.attempts === 0 ? new LocalRejection('circuit-open', state.breaker.retryAfterMs(now) || undefined) : { reason: 'circuit-open', last };
      }
      const result = await this.attempt(permit, Math.min(this.options?.timeoutMs ?? this.policy.timeoutMs, this.deadline - now), now);
      if (result.kind === 'aborted') throw this.signal?.reason;
      const retryable =
        result.kind === 'response' ? retry.retryOnStatus.includes(result.response.status) : true;
      const failed = result.kind !== 'response' || result.failure;
      if (!retryable && !failed) return this.succeed(result.response);
      if (last?.kind === 'response') void last.response.body?.cancel();
      last = result;
      const after = clock.now();
      const asked = result.kind === 'response' ? serverDelayMs(result.response.headers, after) : undefined;
      const serverDelay = asked === undefined ? 0 : Math.min(asked, retry.maxRetryAfterMs);
      if (asked !== undefined && result.kind === 'response' && isPushbackStatus(result.response.status)) this.pause(after + serverDelay);
      if (!retryable || !this.plan.replayable || this.attempts > maxRetries) return { reason: failureReason(result), last };

      const backoff = backoffDelay(retry, this.attempts, previousDelay, random);
      previousDelay = backoff;
      const delay = Math.max(backoff, serverDelay);
      if (after + delay >= this.deadline) return { reason: 'deadline', last };
      if (!state.budget.tryWithdraw(after)) return { reason: 'budget-exhausted', last };
      this.engine.emit({ type: 'retry', origin: state.origin, at: after, url: this.url, attempt: this.attempts, delayMs: delay, cause: causeOf(result), ...this.traceIds() });
      this.span?.addEvent('resilience.retry', { 'resilience.attempt': this.attempts, 'resilience.delay_ms': Math.round(delay), 'resilience.cause': causeOf(result) });
      await this.sleep(delay);
    }
  }

  private attempt(permit: Permit, timeoutMs: number, started: number): Promise<AttemptResult> {
    const { clock, transport, tracer } = this.deps;
    const plan = this.plan;
    const breaker = this.state.breaker;
    const resend = this.attempts++;
    // A controller of our own only when a timer may have to abort the fetch; otherwise the
    // caller's signal (if any) reaches fetch as it is. (Creating an AbortSignal costs ~3 µs on Node 20.)
    const timed = timeoutMs <= MAX_TIMER_MS;
    const controller = timed ? new AbortController() : null;
    const signal = controller !== null ? controller.signal : this.signal;
    const init: RequestInit = plan.init === undefined ? { signal } : { ...plan.init, signal };
    if (plan.body !== undefined) {
      init.body = plan.body;
      if (plan.body instanceof ReadableStream) (init as RequestInit & { duplex: 'half' }).duplex = 'half';
    }
    let span: Span | undefined;
    let headers = plan.headers;
    if (tracer !== undefined && this.spanContext !== undefined) {
      span = startAttemptSpan(tracer, this.spanContext, plan.method, this.url, this.safeUrl(), resend);
      if (this.mayPropagate()) {
        headers = new Headers(headers ?? plan.init?.headers ?? (plan.input instanceof Request ? plan.input.headers : undefined));
        injectTraceContext(trace.setSpan(this.spanContext, span), headers);
      }
    }
    if (headers !== undefined) init.headers = headers;
    const stateBefore = this.span !== undefined ? breaker.current(started) : undefined;

    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      let timer: unknown;
      const finish = (result: AttemptResult, status?: number, errorType?: string) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        this.onAbort = null;
        const now = clock.now();
        const verdict = result.kind === 'aborted' || !this.deps.isOnline() ? 'ignored' : result.kind === 'response' && !result.failure ? 'success' : 'failure';
        breaker.record(now, permit, verdict, result.durationMs);
        if (verdict === 'success') this.state.throttle?.recordAccept(now);
        const stateAfter = stateBefore !== undefined ? breaker.current(now) : undefined;
        if (stateBefore !== undefined && stateAfter !== undefined && stateAfter !== stateBefore) {
          this.span?.addEvent('resilience.breaker.transition', { 'resilience.breaker.from': stateBefore, 'resilience.breaker.to': stateAfter });
        }
        if (span !== undefined) {
          if (result.kind === 'aborted') {
            span.addEvent('aborted by caller');
            span.end();
          } else endAttemptSpan(span, status, errorType);
        }
        resolve(result);
      };
      if (controller !== null) {
        timer = clock.setTimeout(() => {
          controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
          finish({ kind: 'timeout', error: controller.signal.reason, durationMs: clock.now() - started }, undefined, 'timeout');
        }, timeoutMs);
      }
      this.onAbort = () => {
        controller?.abort(this.signal?.reason); // without one, the caller's signal itself reached fetch
        finish({ kind: 'aborted', durationMs: clock.now() - started });
      };
      transport(plan.input, init).then(
        (response) => {
          if (settled) {
            void response.body?.cancel(); // answered after we gave up: free the connection
            return;
          }
          const failure = isFailureStatus(response.status);
          finish({ kind: 'response', response, failure, durationMs: clock.now() - started }, response.status);
        },
        (error: unknown) => {
          const name = error instanceof Error ? error.name : 'Error';
          finish({ kind: 'network-error', error, durationMs: clock.now() - started }, undefined, name === 'TypeError' ? 'network_error' : name);
        },
      );
    });
  }

  private mayPropagate(): boolean {
    const plan = this.plan;
    const mode = plan.init?.mode ?? (plan.input instanceof Request ? plan.input.mode : undefined);
    if (mode === 'no-cors') return false;
    const propagate = this.deps.propagate;
    return propagate !== undefined && propagate(new URL(this.url));
  }

  private succeed(response: Response): Response {
    const cache = this.deps.cache;
    if (cache !== undefined && this.fallback === 'cache' && this.plan.method === 'GET' && response.status === 200) {
      const key = this.cacheKey();
      if (cache.wants?.(key, response) ?? true) this.engine.track(cache.put(key, response.clone()));
    }
    this.outcome(this.attempts === 1 ? 'fresh' : 'retried');
    if (this.attempts === 1) return response; // first try from the network: pass through untouched
    return annotate(response, { source: 'network', attempts: this.attempts, ...this.traceIdHeader() });
  }

  /** Attempts ran out: a stored response if allowed, else the last 5xx as it is, else fetch's error. */
  private async fail(reason: FailureReason | 'circuit-open', last: AttemptResult | undefined): Promise<Response> {
    const origin = this.state.origin;
    this.engine.emit({ type: 'failed', origin, at: this.deps.clock.now(), url: this.url, reason: reason === 'circuit-open' ? 'upstream-error' : reason, attempts: this.attempts, ...this.traceIds() });
    const cached = await this.fromCache(reason);
    if (cached !== undefined) {
      if (last?.kind === 'response') void last.response.body?.cancel();
      return cached;
    }
    this.outcome('failed', reason);
    if (last?.kind === 'response') {
      return annotate(last.response, { source: 'network', reason, attempts: this.attempts, ...this.traceIdHeader() });
    }
    if (last?.kind === 'timeout' || (last === undefined && reason === 'deadline')) {
      throw new DOMException(`resilient-fetch: ${this.safeUrl()} timed out (${reason})`, 'TimeoutError');
    }
    throw new TypeError(`resilient-fetch: ${this.safeUrl()} failed after ${this.attempts} attempt(s) (${reason})`, {
      cause: last?.kind === 'network-error' ? last.error : undefined,
    });
  }

  private async rejectLocally(rejection: LocalRejection): Promise<Response> {
    const { reason, retryAfterMs } = rejection;
    const origin = this.state.origin;
    if (this.deps.listening) this.engine.emit({ type: 'rejected', origin, at: this.deps.clock.now(), url: this.url, reason, ...this.traceIds() });
    const cached = this.deps.cache !== undefined ? await this.fromCache(reason) : undefined;
    if (cached !== undefined) return cached;
    this.outcome('rejected', reason);
    if (this.options?.throwOnReject === true) throw new ResilienceError(reason, origin, retryAfterMs);
    return syntheticResponse(reason, retryAfterMs, this.attempts, this.traceIds().traceId);
  }

  private async fromCache(reason: ResilienceReason): Promise<Response | undefined> {
    const cache = this.deps.cache;
    if (cache === undefined || this.fallback !== 'cache' || this.plan.method !== 'GET') return undefined;
    let hit: Awaited<ReturnType<ResponseCache['match']>>;
    try {
      hit = await cache.match(this.cacheKey());
    } catch {
      return undefined; // a broken cache means no fallback, never a broken call
    }
    if (hit === undefined) return undefined;
    const now = this.deps.clock.now();
    const ageMs = Math.max(0, now - hit.storedAt);
    if (ageMs > (this.options?.maxStaleMs ?? this.policy.maxStaleMs)) {
      void hit.response.body?.cancel();
      return undefined;
    }
    const ageSeconds = Math.floor(ageMs / 1000);
    this.engine.emit({ type: 'fallback', origin: this.state.origin, at: now, url: this.url, reason, ageMs, ...this.traceIds() });
    this.span?.addEvent('resilience.fallback', { 'resilience.reason': reason, 'resilience.cache.age_s': ageSeconds });
    this.span?.setAttribute('resilience.cache.age_s', ageSeconds);
    this.outcome('stale', reason);
    return annotate(hit.response, { source: 'cache', reason, attempts: this.attempts, ageSeconds, ...this.traceIdHeader() });
  }

  private cacheKey(): Request {
    const input = this.plan.input;
    if (input instanceof Request && this.plan.init?.headers === undefined) return input;
    return new Request(this.url, { headers: this.plan.init?.headers ?? (input instanceof Request ? input.headers : undefined) });
  }

  private pause(until: number): void {
    const state = this.state;
    if (until <= state.pausedUntil) return;
    state.pausedUntil = until;
    this.engine.emit({ type: 'paused', origin: state.origin, at: this.deps.clock.now(), until });
    this.engine.save(state);
  }

  private sleep(ms: number): Promise<void> {
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

  private outcome(outcome: 'fresh' | 'retried' | 'stale' | 'rejected' | 'failed' | 'aborted', reason?: ResilienceReason): void {
    const span = this.span;
    if (span === undefined) return;
    span.setAttribute('resilience.outcome', outcome);
    if (reason !== undefined) span.setAttribute('resilience.reason', reason);
  }

  private endSpan(response: Response | undefined, error?: unknown): void {
    const span = this.span;
    if (span === undefined) return;
    span.setAttribute('resilience.attempts', this.attempts);
    span.setAttribute('resilience.breaker.state', this.state.breaker.current(this.deps.clock.now()));
    span.setAttribute('resilience.queue.wait_ms', this.queueWaitMs);
    if (response !== undefined) {
      span.setAttribute('http.response.status_code', response.status);
    } else if (error instanceof ResilienceError) {
      // a local rejection the caller asked to see thrown: described by its outcome and reason
    } else if (error !== undefined && error === this.signal?.reason) {
      this.outcome('aborted'); // the caller's choice is not an error
    } else if (error !== undefined) {
      this.outcome('failed');
      span.setAttribute('error.type', error instanceof Error ? error.name : 'Error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }

  /** The URL as spans and messages may show it (credentials and secret query values redacted). */
  private safeUrl(): string {
    return (this.redactedUrl ??= redactUrl(this.url, this.deps.redacted));
  }

  private traceIds(): { traceId?: string; spanId?: string } {
    const span = this.span;
    if (span === undefined) return {};
    const ctx = span.spanContext();
    return { traceId: ctx.traceId, spanId: ctx.spanId };
  }

  private traceIdHeader(): { traceId?: string } {
    const traceId = this.span?.spanContext().traceId;
    return traceId === undefined ? {} : { traceId };
  }
}

function failureReason(result: AttemptResult): FailureReason {
  if (result.kind === 'timeout') return 'timeout';
  if (result.kind === 'network-error') return 'network-error';
  return 'upstream-error';
}

function causeOf(result: AttemptResult): string {
  return result.kind === 'response' ? `status ${result.response.status}` : result.kind;
}
