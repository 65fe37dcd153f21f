import { Engine } from './engine.js';
import type { ResilientFetch, ResilientFetchOptions } from './types.js';

export interface CreateOptions extends ResilientFetchOptions {
  /** Query parameters whose values are redacted in `url.full`, added to a built-in list. (none) */
  redactQueryParams?: string[];
}

/**
 * A `fetch` with per-origin circuit breakers, bounded concurrency, timeouts, budgeted retries
 * and stale-if-error. Same signature as fetch, plus `init.resilience` for per-call options.
 */
export function createResilientFetch(options: CreateOptions = {}): ResilientFetch {
  const engine = new Engine(options);
  const resilientFetch = ((input, init) => engine.call(input, init)) as ResilientFetch;
  resilientFetch.snapshot = () => engine.snapshot();
  resilientFetch.configure = (policy) => engine.configure(policy);
  resilientFetch.ready = () => engine.ready();
  resilientFetch.reload = () => engine.reload();
  resilientFetch.settled = () => engine.settled();
  resilientFetch.namedOrigins = () => engine.namedOrigins();
  return resilientFetch;
}
