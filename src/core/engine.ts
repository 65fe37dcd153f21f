import { context as otelContext, type Tracer } from '@opentelemetry/api';
import { admit } from './admission.js';
import { Call, type Deps } from './call.js';
import { ResilienceError } from './errors.js';
import { OriginState } from './origin-state.js';
import { absoluteUrl, originOf } from './origin.js';
import { ResolvedPolicy } from './policy.js';
import { OriginRegistry } from './registry.js';
import { planRequest } from './request-plan.js';
import { syntheticResponse } from './responses.js';
import { systemClock } from './system-clock.js';
import { DEFAULT_REDACTED_PARAMS } from './tracing.js';
import type {
  CallOptions,
  Clock,
  OriginPolicy,
  OriginSnapshot,
  PolicyConfig,
  ResilienceEvent,
  ResilientFetchOptions,
  ResilientRequestInit,
  ResponseCache,
} from './types.js';

/**
 * The pipeline: admission (offline, pause, rate limit, throttle, breaker) → bounded concurrency
 * → attempts with timeout, retry and budget → fallback. One instance per engine; per-origin
 * state lives in the registry.
 */
export class Engine {
  private policy: ResolvedPolicy;
  private readonly registry: OriginRegistry;
  private readonly transport: typeof fetch;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly cache: ResponseCache | undefined;
  private readonly tracer: Tracer | undefined;
  private readonly isOnline: () => boolean;
  private readonly redacted: ReadonlySet<string>;
  private readonly pending = new Set<Promise<unknown>>();
  private loading: Promise<void> | null = null;
  /** What every call shares, built once. */
  readonly deps: Deps;

  constructor(private readonly options: ResilientFetchOptions & { redactQueryParams?: string[] }) {
    this.policy = new ResolvedPolicy(options.policy);
    this.transport = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.cache = options.cache;
    this.tracer = options.tracer;
    this.isOnline = options.isOnline ?? (() => (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false);
    this.redacted = new Set([...DEFAULT_REDACTED_PARAMS, ...(options.redactQueryParams ?? [])].map((p) => p.toLowerCase()));
    this.registry = new OriginRegistry(
      this.policy.maxOrigins,
      (origin) => this.createOrigin(origin),
      (origin) => this.emit({ type: 'evicted', origin, at: this.clock.now() }),
    );
    if (options.store !== undefined) this.loading = this.restore();
    this.deps = {
      transport: this.transport,
      clock: this.clock,
      random: this.random,
      cache: this.cache,
      tracer: this.tracer,
      isOnline: this.isOnline,
      redacted: this.redacted,
      propagate: options.propagateTraceTo,
      listening: options.onEvent !== undefined,
    };
  }

  configure(config: PolicyConfig): void {
    const next = new ResolvedPolicy(config); // throws before anything changes
    this.policy = next;
    const now = this.clock.now();
    for (const state of this.registry.all()) state.setPolicy(next.for(state.origin), now);
    this.registry.setLimit(next.maxOrigins);
  }

  namedOrigins(): string[] {
    return this.policy.namedOrigins();
  }

  snapshot(): OriginSnapshot[] {
    const now = this.clock.now();
    return [...this.registry.all()].map((state) => state.snapshot(now));
  }

  ready(): Promise<void> {
    return this.loading ?? Promise.resolve();
  }

  /** Waits for the writes started so far, not later ones: under steady traffic it still ends. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** fetch's contract: never throws, always a promise. */
  call(input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response> {
    try {
      let options = init?.resilience;
      if (options?.bypass === true) return this.transport(input, withoutOptions(init));
      // Read the caller's context now: zone.js cannot follow it across the awaits below.
      if (this.tracer !== undefined && options?.traceContext === undefined) options = { ...options, traceContext: otelContext.active() };
      if (this.loading !== null) {
        const ready = options;
        return this.loading.then(() => this.begin(input, init, ready));
      }
      return this.begin(input, init, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private begin(input: RequestInfo | URL, init: ResilientRequestInit | undefined, options: CallOptions | undefined): Promise<Response> {
    const url = absoluteUrl(input);
    const state = this.registry.get(originOf(url));
    const policy = state.policy;
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.clock.now();
    const rejection = admit(state, now, this.deps);
    if (rejection !== null && this.tracer === undefined && !this.mayFallBack(input, init, options, policy)) {
      // Refused before anything was planned, with nothing to trace and nothing to fall back to.
      if (this.deps.listening) this.emit({ type: 'rejected', origin: state.origin, at: now, url, reason: rejection.reason });
      if (options?.throwOnReject === true) return rejectSoon(new ResilienceError(rejection.reason, state.origin, rejection.retryAfterMs));
      return Promise.resolve(syntheticResponse(rejection.reason, rejection.retryAfterMs, 0, undefined));
    }
    const fetchInit = withoutOptions(init);
    const plan = planRequest(input, fetchInit, (options?.retries ?? policy.retry.maxRetries) > 0, options?.idempotent, policy.retry.maxBufferedBodyBytes);
    if (plan instanceof Promise) return plan.then((p) => new Call(this, state, p, url, signal, options, now, rejection).run());
    return new Call(this, state, plan, url, signal, options, now, rejection).run();
  }

  private mayFallBack(input: RequestInfo | URL, init: RequestInit | undefined, options: CallOptions | undefined, policy: OriginPolicy): boolean {
    if (this.cache === undefined || (options?.fallback ?? policy.fallback) !== 'cache') return false;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    return method.toUpperCase() === 'GET';
  }

  // ---- shared services for calls ----



  emit(event: ResilienceEvent): void {
    this.options.onEvent?.(event);
  }

  /** Keep a write-behind promise so `settled()` (the worker's waitUntil) can wait for it. */
  track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  save(state: OriginState): void {
    const store = this.options.store;
    if (store !== undefined) this.track(store.save(state.export(this.clock.now())));
  }

  private createOrigin(origin: string): OriginState {
    const state: OriginState = new OriginState(origin, this.policy.for(origin), this.clock.now(), (from, to, openUntil) => {
      this.emit({ type: 'breaker', origin, at: this.clock.now(), from, to, ...(openUntil !== null ? { openUntil } : {}) });
      this.save(state);
    });
    return state;
  }

  private async restore(): Promise<void> {
    try {
      const saved = (await this.options.store?.load()) ?? [];
      for (const entry of saved) this.registry.get(entry.origin).restore(entry);
    } catch {
      // A store that cannot be read costs us memory of the past, never the call.
    } finally {
      this.loading = null;
    }
  }
}

/**
 * A promise that rejects a tick later. Rejecting before the caller has attached its handler
 * sends Node through its unhandled-rejection bookkeeping (~0.8 µs, measured in bench:core).
 */
function rejectSoon(error: unknown): Promise<never> {
  return Promise.resolve().then(() => {
    throw error;
  });
}

/** The init fetch should see: ours minus `resilience` (unchanged when there is none). */
function withoutOptions(init: ResilientRequestInit | undefined): RequestInit | undefined {
  if (init?.resilience === undefined) return init;
  const { resilience: _ignored, ...rest } = init;
  return rest;
}
