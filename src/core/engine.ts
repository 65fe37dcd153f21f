import { admit, outwaits } from './admission.js';
import { buffered, isBuffering } from './buffering.js';
import { Call } from './call.js';
import { sendFirst } from './first-attempt.js';
import { validateCallOptions } from './call-options.js';
import type { Deps } from './deps.js';
import { DeadlineTimer } from './deadline-timer.js';
import { usesCache } from './fallback.js';
import { LocalRejection } from './local-rejection.js';
import { OriginState } from './origin-state.js';
import { absoluteUrl } from './absolute-url.js';
import { originOf } from './origin.js';
import { ResolvedPolicy } from './policy.js';
import { OriginRegistry } from './registry.js';
import { messageOf, reportError } from './report-error.js';
import { planRequest, type RequestPlan } from './request-plan.js';
import { refuseNoCorsRedirect } from './refused-redirect.js';
import { rejectionError } from './outcome.js';
import { syntheticResponse } from './responses.js';
import { systemClock } from './system-clock.js';
import { activeContext, inUnitRange, isolated, onLine } from './app-callbacks.js';
import { redactedParams } from './tracing.js';
import { STUCK_AFTER_MS, TIMED_OUT, within } from './within.js';
import type { CallOptions, OriginPolicy, OriginSnapshot, PolicyConfig, ResilienceEvent, ResilientFetchOptions, ResilientRequestInit } from './types.js';

/**
 * The pipeline: admission (offline, pause, rate limit, throttle, breaker) → bounded concurrency
 * → attempts with timeout, retry and budget → fallback. One instance per engine; per-origin
 * state lives in the registry.
 */
export class Engine {
  private policy: ResolvedPolicy;
  private readonly registry: OriginRegistry;
  private readonly pending = new Set<Promise<unknown>>();
  private loading: Promise<void> | null = null;
  /** What every call shares, built once. */
  readonly deps: Deps;

  constructor(private readonly options: ResilientFetchOptions & { redactQueryParams?: string[] }) {
    this.policy = new ResolvedPolicy(options.policy);
    const clock = options.clock ?? systemClock;
    this.deps = {
      transport: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      clock,
      deadlines: new DeadlineTimer(clock),
      random: options.random !== undefined ? inUnitRange(options.random) : Math.random,
      cache: options.cache,
      tracing: options.tracing,
      isOnline: options.isOnline !== undefined ? isolated(options.isOnline) : onLine((globalThis as { navigator?: { onLine?: boolean } }).navigator),
      redacted: redactedParams(options.redactQueryParams),
      propagate: options.propagateTraceTo,
      listening: options.onEvent !== undefined,
    };
    this.registry = new OriginRegistry(
      this.policy.maxOrigins,
      (origin) => this.createOrigin(origin),
      (origin) => this.emit({ type: 'evicted', origin, at: clock.now() }),
    );
    if (options.store !== undefined) this.loading = this.restore();
  }

  configure(config: PolicyConfig): void {
    const next = new ResolvedPolicy(config); // throws before anything changes
    this.policy = next;
    const now = this.deps.clock.now();
    for (const state of this.registry.all()) state.setPolicy(next.for(state.origin), now);
    this.registry.setLimit(next.maxOrigins);
  }

  namedOrigins(): string[] {
    return this.policy.namedOrigins();
  }

  snapshot(): OriginSnapshot[] {
    const now = this.deps.clock.now();
    return [...this.registry.all()].map((state) => state.snapshot(now));
  }

  ready(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** Restores the saved state again, calls waiting for it (see ResilientFetch.reload). */
  reload(): Promise<void> {
    if (this.options.store === undefined) return Promise.resolve();
    return (this.loading = this.restore());
  }

  /**
   * Waits for the work started so far and what it starts in turn (a call answered early from its
   * stored copy goes on, then stores the answer): a few rounds, not until nothing is pending, so
   * under steady traffic it still ends.
   */
  async settled(): Promise<void> {
    for (let round = 0; round < 3 && this.pending.size > 0; round++) await Promise.allSettled([...this.pending]);
  }

  /** fetch's contract: never throws, always a promise. */
  call(input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response> {
    try {
      let options = init?.resilience;
      if (options !== undefined) validateCallOptions(options);
      if (options?.bypass === true) return this.deps.transport(input, withoutOptions(init));
      refuseNoCorsRedirect(input, init);
      // Read the caller's context now: zone.js cannot follow it across the awaits below.
      const tracing = this.deps.tracing;
      if (tracing !== undefined && options?.traceContext === undefined) options = { ...options, traceContext: activeContext(tracing) };
      const ready = options;
      return this.loading === null ? this.begin(input, init, ready) : this.loading.then(() => this.begin(input, init, ready));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private begin(input: RequestInfo | URL, init: ResilientRequestInit | undefined, options: CallOptions | undefined): Promise<Response> {
    const url = absoluteUrl(input);
    // fetch reads data:, blob: and about: URLs itself, and 'only-if-cached' from its HTTP cache:
    // no server, so nothing to retry, count or store. (Piped through, 100 data: reads at once
    // shared one 'null' origin's slots and 30 got a synthetic 503, a blob: URL got its origin's
    // open breaker, and two cache misses opened it.)
    if (!url.startsWith('http') || (init?.cache ?? (input as Request).cache) === 'only-if-cached') return this.deps.transport(input, withoutOptions(init));
    // fetch rejects an answer that fails `integrity` as it rejects a network failure: the same bytes
    // would fail again, and no stored copy was checked against the hash (served, it was the answer).
    if (init?.integrity || (input as Request).integrity) options = { ...options, retries: 0, fallback: 'none' };
    const state = this.registry.get(originOf(url));
    const policy = state.policy;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    // fetch refuses a Request whose body was read (sent once already, say) before sending anything:
    // left to the transport, the refusal was counted against the breaker as the upstream's failure.
    if ((input as Request).bodyUsed && init?.body == null) return Promise.reject(new TypeError('Cannot construct a Request with a Request object that has already been used.'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.deps.clock.now();
    const deadlineMs = options?.deadlineMs ?? policy.deadlineMs;
    const rejection = deadlineMs <= 0 ? new LocalRejection('deadline') : admit(state, now, this.deps);
    if (rejection !== null && this.deps.tracing === undefined && !this.mayFallBack(input, init, options, policy) && !outwaits(rejection, methodOf(input, init), now, now + deadlineMs)) {
      // Refused before anything was planned, with nothing to trace, nothing to fall back to and no wait worth it.
      if (this.deps.listening) this.emit({ type: 'rejected', origin: state.origin, at: now, url, reason: rejection.reason });
      // Rejected a tick later: rejecting before the caller has attached its handler sends Node
      // through its unhandled-rejection bookkeeping (~0.8 µs, measured in bench:core).
      if (options?.throwOnReject === true) {
        return Promise.resolve().then(() => {
          throw rejectionError(rejection.reason, state.origin, rejection.retryAfterMs);
        });
      }
      return Promise.resolve(syntheticResponse(rejection.reason, rejection.retryAfterMs, 0, undefined));
    }
    const fetchInit = withoutOptions(init);
    const deadline = now + deadlineMs;
    const plan = planRequest(input, fetchInit, (options?.retries ?? policy.retry.maxRetries) > 0, options?.idempotent, policy.retry.maxBufferedBodyBytes, true);
    if (!isBuffering(plan) && rejection === null && signal === undefined && this.needsNoWatch(plan, options, policy)) {
      const sent = sendFirst(this, state, plan, url, options, now, deadline);
      if (sent !== null) return sent;
    }
    if (isBuffering(plan)) {
      return buffered(plan, this.deps, url, now, options?.timeoutMs ?? policy.timeoutMs, deadlineMs, signal).then((p) => new Call(this, state, p, url, signal, options, now, deadline, rejection).run());
    }
    return new Call(this, state, plan, url, signal, options, now, deadline, rejection).run();
  }

  /**
   * Whether an admitted call with no caller signal can be sent without a Call watching it
   * (first-attempt.ts): no span to keep, no buffered body, no redirect to refuse, and not a GET whose answer is stored
   * or raced by the stored copy.
   */
  private needsNoWatch(plan: RequestPlan, options: CallOptions | undefined, policy: OriginPolicy): boolean {
    if (this.deps.tracing !== undefined || plan.body !== undefined || plan.refusesRedirects) return false;
    return !usesCache(plan.method, this.deps.cache, options?.fallback ?? policy.fallback);
  }

  private mayFallBack(input: RequestInfo | URL, init: RequestInit | undefined, options: CallOptions | undefined, policy: OriginPolicy): boolean {
    const fallback = options?.fallback ?? policy.fallback;
    if (typeof fallback === 'object') return true; // the app's handler answers any method
    return usesCache(methodOf(input, init), this.deps.cache, fallback);
  }

  // ---- shared services for calls ----

  emit(event: ResilienceEvent): void {
    const listener = this.options.onEvent;
    if (listener === undefined) return;
    try {
      // An async listener's rejection is reported too: left unhandled, it ends a Node process.
      // A then, not instanceof Promise: under zone.js (page tracing) an async function's promise is
      // no instance of the global Promise, and its rejection went unhandled.
      const returned = listener(event) as PromiseLike<unknown> | null | undefined;
      if (typeof returned?.then === 'function') returned.then(undefined, reportError);
    } catch (error) {
      reportError(error); // a listener's bug is the app's to see, never the call's to suffer
    }
  }

  /** Keep a write-behind promise so `settled()` (the worker's waitUntil) can wait for it. */
  track(promise: Promise<unknown>): Promise<void> {
    const tracked = promise.then(() => undefined, reportError).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return tracked;
  }

  /**
   * Keep an app callback's write (a store's save, a cache's put) for `settled()`, STUCK_AFTER_MS
   * at most. Unbounded, one that never settled kept `settled()`, and so the worker's waitUntil
   * and the telemetry flush behind it, waiting until the browser killed the worker. Each write is
   * made on its own (a stuck one holds no later one), and a save writes the whole origin state,
   * so the next one still stores what the stuck one carried. A write that lands late is kept.
   */
  trackWrite(write: Promise<unknown>, name: 'store.save' | 'cache.put', origin?: string, progress?: () => number): Promise<void> {
    const { clock, deadlines } = this.deps;
    // A put still receiving its body is not stuck: the wait starts again while chunks arrive (a
    // steady 5 s download was reported as a stuck cache, and said so to the page's error tracker).
    const waited = async (): Promise<unknown> => {
      for (;;) {
        const seen = progress?.();
        const result = await within(deadlines, clock.now(), STUCK_AFTER_MS, write);
        if (result !== TIMED_OUT || progress?.() === seen) return result;
      }
    };
    return this.track(
      waited().then((result) => {
        if (result !== TIMED_OUT) return;
        const message = `${name}: no answer in ${STUCK_AFTER_MS} ms`;
        reportError(new Error(message));
        this.emit({ type: 'degraded', ...(origin !== undefined ? { origin } : {}), at: clock.now(), component: name === 'cache.put' ? 'cache' : 'state-store', message });
      }),
    );
  }

  save(state: OriginState): void {
    const store = this.options.store;
    if (store === undefined) return;
    try {
      this.trackWrite(store.save(state.export(this.deps.clock.now())), 'store.save', state.origin);
    } catch (error) {
      reportError(error);
    }
  }

  private createOrigin(origin: string): OriginState {
    const clock = this.deps.clock;
    const state: OriginState = new OriginState(origin, this.policy.for(origin), clock.now(), (from, to, openUntil) => {
      this.emit({ type: 'breaker', origin, at: clock.now(), from, to, ...(openUntil !== null ? { openUntil } : {}) });
      this.save(state);
    }, this.deps.random);
    return state;
  }

  private async restore(): Promise<void> {
    try {
      const store = this.options.store;
      const loading = Promise.resolve().then(() => store?.load());
      // Every call waits for the saved state, so a load that never settles (an IndexedDB open queued
      // behind another context) held every call for good. A worker's cold start has it ~1 ms after
      // its first fetch event (bench/PROFILE.md, "Cold start"). One that answers later is ignored:
      // what the calls learnt meanwhile is fresher.
      const saved = await within(this.deps.deadlines, this.deps.clock.now(), STUCK_AFTER_MS, loading);
      if (saved === TIMED_OUT) throw new Error(`no answer in ${STUCK_AFTER_MS} ms`);
      for (const entry of saved ?? []) this.registry.get(entry.origin).restore(entry);
    } catch (error) {
      // A store that cannot be read costs us memory of the past, never the call: said out loud.
      reportError(error);
      this.emit({ type: 'degraded', at: this.deps.clock.now(), component: 'state-store', message: `saved state not restored: ${messageOf(error)}` });
    } finally {
      this.loading = null;
    }
  }
}

function methodOf(input: RequestInfo | URL, init: RequestInit | undefined): string {
  const method = init?.method ?? (input instanceof Request ? input.method : undefined);
  return method === undefined ? 'GET' : method.toUpperCase();
}

/** The init fetch should see: ours minus `resilience` (unchanged when there is none). */
function withoutOptions(init: ResilientRequestInit | undefined): RequestInit | undefined {
  if (init?.resilience === undefined) return init;
  const { resilience: _ignored, ...rest } = init;
  return rest;
}
