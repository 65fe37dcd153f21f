/** What `installResilience` takes and gives: its config, the tracing it accepts, what it returns. */
import type { CacheOption } from './protocol.js';
import type { PolicyConfig, ResilienceEvent, ResilientFetch, TracingPort } from '../core/types.js';
import type { IdbResponseCache } from '../cache/index.js';
import type { LogSink } from '../telemetry/event-logger.js';
import type { OutboxModule } from './outbox-slot.js';
import type { RouteOptions } from './routing.js';

/** What the worker needs from a tracing setup: pass `setupWorkerTracing(...)`'s result as `telemetry`. */
export interface WorkerTelemetry {
  /** What the engine traces with (`engineTracing(tracer)`). */
  tracing: TracingPort;
  /** Whether a request to this URL may carry `traceparent`. */
  propagate(url: URL): boolean;
  /** Exports what has ended; called under waitUntil after each handled event. Never rejects. */
  flush(): Promise<void>;
  /** URL of the OTLP endpoint, so its requests never go through the pipeline. (none) */
  endpoint?: string;
  /** Query parameters redacted in the worker's spans, and so in its log lines too. (none: the built-in list) */
  redactQueryParams?: string[];
}

/**
 * What `installResilience` takes; every field is optional (`installResilience({})` runs the
 * default policy with the fallback cache on). Also `match` and `navigations` (see RouteOptions):
 * which requests the pipeline handles besides those `resilientFetch` sent.
 */
export interface ResilienceConfig extends RouteOptions {
  /**
   * Defaults and per-origin overrides (see OriginPolicy for each field and its default). Invalid
   * config throws a TypeError naming the field and the value. (DEFAULT_POLICY for every origin)
   */
  policy?: PolicyConfig;
  /** Fallback cache limits (see IdbResponseCacheOptions), or `false` for no stale-if-error. (`{}`: the cache on, default limits) */
  cache?: CacheOption;
  /** Tracing: the result of `setupWorkerTracing` from `resilient-fetch/telemetry/worker`. (none: no spans, no OTel code) */
  telemetry?: WorkerTelemetry;
  /** Every resilience event (breaker transitions, retries, rejections, fallbacks); isolated if it throws. (none) */
  onEvent?: (event: ResilienceEvent) => void;
  /**
   * One JSON log line per resilience event, with `trace_id` and `span_id`: to the console by
   * default, to your sink if given, none with `false`. (the console)
   */
  log?: false | LogSink;
  /**
   * The outbox for writes that cannot be delivered now: `import { outbox } from
   * 'resilient-fetch/sw/outbox'` and pass it here, then turn it on in `policy` (`outbox: true`)
   * or per call. Without it, a policy or call that turns the outbox on is refused with a
   * TypeError saying what to import. (none)
   */
  outbox?: OutboxModule;
  /** IndexedDB name for per-origin state and page-sent config. (`'resilient-fetch-state'`) */
  stateDbName?: string;
  /**
   * Names this config. What pages send with `configure()` is kept per version, so a worker with a
   * new version starts from the script's own config. (a hash of `policy` and `cache`, so a deploy
   * that changes them wins without bumping anything)
   */
  version?: string;
}

export interface InstalledResilience {
  /** The engine the worker runs every matched request through. */
  fetch: ResilientFetch;
  cache: IdbResponseCache | undefined;
  /** Resolves once saved state and config are applied. */
  ready: Promise<void>;
}
