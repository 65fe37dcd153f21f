import { createResilientFetch as createUnchecked, type CreateOptions } from './create-resilient-fetch.js';
import { checkEngineOptions } from './engine-options.js';
import type { ResilientFetch } from './types.js';

/**
 * A `fetch` with per-origin circuit breakers, bounded concurrency, timeouts, budgeted retries
 * and stale-if-error. Same signature as fetch, plus `init.resilience` for per-call options.
 * Options are checked first: a TypeError names an unknown or wrong one.
 *
 * The public entry's (`resilient-fetch/core`). The worker, the in-page engine and
 * ResilientStrategy build their engines from options they made or checked themselves, so they
 * use the unchecked one and their bundles do not carry these checks (0.2 KB gz each).
 */
export function createResilientFetch(options: CreateOptions = {}): ResilientFetch {
  checkEngineOptions(options);
  return createUnchecked(options);
}
