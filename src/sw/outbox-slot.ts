import type { PolicyConfig, ResilientFetch } from '../core/types.js';
import { fail, isObject } from '../core/validation.js';
import type { WorkerOutbox, WorkerOutboxOptions } from './outbox/install.js';

/**
 * The outbox as installResilience takes it (`import { outbox } from 'resilient-fetch/sw/outbox'`).
 * It is a separate import because a service worker cannot load code lazily and the outbox is
 * 4.4 KB gz of a worker that may never queue a write (`npm run size`, 2026-11-29: worker 25.2, worker + outbox 29.6).
 */
export type OutboxModule = (options: WorkerOutboxOptions) => WorkerOutbox;

const HOW = "false unless the worker installs the outbox (import { outbox } from 'resilient-fetch/sw/outbox'; installResilience({ outbox, ... }))";

/**
 * Refuses a policy that turns the outbox on in a worker that does not have it: the writes it
 * promises to keep would otherwise be sent once and lost, silently.
 */
export function requireOutboxFor(policy: PolicyConfig | undefined): void {
  if (!isObject(policy)) return; // the policy validator reports it
  if (enables(policy.defaults)) fail('policy.defaults.outbox', policy.defaults.outbox, HOW);
  for (const [origin, override] of Object.entries(isObject(policy.origins) ? policy.origins : {})) {
    if (enables(override)) fail(`policy.origins["${origin}"].outbox`, override.outbox, HOW);
  }
}

/**
 * Pages' saved settings from a worker that had the outbox, for one that has not (a deploy that
 * dropped it but kept its config version): the settings turning the outbox on go, the rest stay.
 * The same object when none had to go.
 */
export function withoutOutboxSettings(policy: PolicyConfig): PolicyConfig {
  let dropped = false;
  const keep = <T>(override: T): T => {
    if (!enables(override)) return override;
    dropped = true;
    return { ...override, outbox: undefined };
  };
  const origins = isObject(policy.origins) ? Object.fromEntries(Object.entries(policy.origins).map(([origin, o]) => [origin, keep(o)])) : policy.origins;
  const kept = { ...policy, defaults: keep(policy.defaults), origins };
  return dropped ? kept : policy;
}

function enables(override: unknown): override is { outbox: unknown } {
  return isObject(override) && override.outbox !== undefined && override.outbox !== null && override.outbox !== false;
}

/** Refuses a call marked for the outbox in a worker without it: it would be sent once and lost. */
export function refuseOutboxCall(perCall: unknown): void {
  if (perCall === true) fail('resilience.outbox', true, HOW);
}

/** A worker without the outbox: calls go straight to the engine, and nothing is ever queued. */
export function withoutOutbox(engine: ResilientFetch): WorkerOutbox {
  return {
    fetch: (request, init) => engine(request, init),
    settled: async () => undefined,
    // Nothing was ever queued here: pages listing or flushing see an empty outbox.
    command: async () => ({ entries: [], origins: [], log: [] }),
  };
}
