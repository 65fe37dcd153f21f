import { trace } from '@opentelemetry/api';
import { engineTracing } from '../telemetry/engine-tracing.js';
import { createIdbResponseCache } from '../cache/index.js';
import { createResilientFetch } from '../core/create-resilient-fetch.js';
import type { PolicyConfig, ResilientFetch } from '../core/types.js';

let engine: ResilientFetch | undefined;
let policy: PolicyConfig | undefined;

/**
 * The engine that runs in the page when no worker controls it (first load before the worker
 * claims, a hard reload, a browser without service workers). Created on first use.
 */
export function pageEngine(): ResilientFetch {
  engine ??= createResilientFetch({
    policy,
    tracing: engineTracing(trace.getTracer('resilient-fetch')),
    propagateTraceTo: (url) => url.origin === globalThis.location?.origin,
    ...(typeof indexedDB !== 'undefined' ? { cache: createIdbResponseCache() } : {}),
  });
  return engine;
}

/** The policy the in-page engine uses (set by registerResilience and configure). */
export function setPagePolicy(next: PolicyConfig): void {
  policy = next;
  engine?.configure(next);
}
