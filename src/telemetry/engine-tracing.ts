import { context, propagation, trace, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import type { TracingPort } from '../core/types.js';

const setter = { set: (carrier: Headers, key: string, value: string) => carrier.set(key, value) };
const getter = {
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
  keys: (carrier: Headers) => [...carrier.keys()],
};

/**
 * What the engine needs from OpenTelemetry, built here so that `resilient-fetch/core` has no
 * runtime dependency on `@opentelemetry/api`: `createResilientFetch({ tracing: engineTracing(tracer) })`.
 */
export function engineTracing(tracer: Tracer): TracingPort {
  return {
    tracer,
    active: () => context.active(),
    withSpan: (parent, span) => trace.setSpan(parent, span),
    inject: (ctx, headers) => propagation.inject(ctx, headers, setter),
    extract: (headers) => propagation.extract(ROOT_CONTEXT, headers, getter),
  };
}
