import { DEFAULT_OUTBOX } from '../../core/defaults.js';
import { REASON, SOURCE } from '../../core/headers.js';
import type { OutboxPolicy, PolicyConfig } from '../../core/types.js';

/**
 * Local refusals that say "not now" about the origin or the device, never about the write:
 * the engine touched no network (or gave up waiting for a slot), so keeping the write is safe.
 */
const NOT_NOW = new Set(['offline', 'circuit-open', 'paused', 'queue-full', 'rate-limited', 'throttled', 'deadline']);

/**
 * The outbox policy for a call: the per-call option wins (`false` turns it off, `true` turns it
 * on with the origin's limits or the defaults), else the origin's policy, else the defaults'.
 * Read defensively (`true`, partial objects) until policy validation covers the field.
 */
export function outboxPolicyFor(config: PolicyConfig | undefined, origin: string, perCall: unknown): OutboxPolicy | false {
  if (perCall === false) return false;
  const resolved = resolve(config);
  const configured = resolved.origins.has(origin) ? resolved.origins.get(origin)! : resolved.defaults;
  if (perCall === true) return configured === false ? { ...DEFAULT_OUTBOX } : configured;
  return configured;
}

interface ResolvedOutbox {
  /** Whether any origin may use the outbox without a per-call `outbox: true`. */
  any: boolean;
  defaults: OutboxPolicy | false;
  /** Origins whose policy says something about the outbox. */
  origins: Map<string, OutboxPolicy | false>;
}

/**
 * Read once per policy object (the worker replaces it on `configure`), since every request the
 * worker handles asks: parsing each origin key per request would cost a URL parse per origin.
 */
const resolvedPolicies = new WeakMap<PolicyConfig, ResolvedOutbox>();
const NONE: ResolvedOutbox = { any: false, defaults: false, origins: new Map() };

function resolve(config: PolicyConfig | undefined): ResolvedOutbox {
  if (config === undefined) return NONE;
  let resolved = resolvedPolicies.get(config);
  if (resolved === undefined) {
    const defaults = readOutbox(config.defaults?.outbox) ?? false;
    const origins = new Map<string, OutboxPolicy | false>();
    for (const [key, value] of Object.entries(config.origins ?? {})) {
      const outbox = readOutbox((value as { outbox?: unknown } | undefined)?.outbox);
      if (outbox === undefined) continue;
      try {
        origins.set(new URL(key).origin, outbox);
      } catch {
        // an unreadable key is the policy validator's to report
      }
    }
    resolved = { any: defaults !== false || [...origins.values()].some((o) => o !== false), defaults, origins };
    resolvedPolicies.set(config, resolved);
  }
  return resolved;
}

/** Whether a call with this per-call option could be taken by the outbox at all (the fast path). */
export function outboxMayTake(config: PolicyConfig | undefined, perCall: unknown): boolean {
  return perCall === true || (perCall !== false && resolve(config).any);
}

/** undefined: not said here (ask the next level); false: off; else the full policy. */
function readOutbox(value: unknown): OutboxPolicy | false | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === false) return false;
  if (value === true) return { ...DEFAULT_OUTBOX };
  if (typeof value !== 'object') return undefined;
  const v = value as Partial<OutboxPolicy>;
  return {
    methods: Array.isArray(v.methods) ? v.methods.map((m) => String(m).toUpperCase()) : [...DEFAULT_OUTBOX.methods],
    maxEntries: positiveOr(v.maxEntries, DEFAULT_OUTBOX.maxEntries),
    maxBytes: positiveOr(v.maxBytes, DEFAULT_OUTBOX.maxBytes),
    maxAgeMs: positiveOr(v.maxAgeMs, DEFAULT_OUTBOX.maxAgeMs),
  };
}

function positiveOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && value > 0 ? value : fallback;
}

/** A status that says "try again later": 5xx but 501, 408, 429 (the breaker's failures). */
function isRetryLater(status: number): boolean {
  return (status >= 500 && status !== 501) || status === 408 || status === 429;
}

/**
 * What the engine's outcome for a first send means: hand the answer to the caller, or keep the
 * write. A 4xx (but 408/429) is the server's verdict on the write itself: the caller gets it.
 */
export function firstSendVerdict(outcome: Response | Error): 'answer' | 'keep' {
  if (outcome instanceof Error) return isUndeliverable(outcome) ? 'keep' : 'answer';
  const source = outcome.headers.get(SOURCE);
  if (source === 'synthetic') return NOT_NOW.has(outcome.headers.get(REASON) ?? '') ? 'keep' : 'answer';
  // A stored copy or the app's fallback handler answered in the network's place: not delivered.
  if (source === 'cache' || source === 'fallback') return 'keep';
  return isRetryLater(outcome.status) ? 'keep' : 'answer';
}

/**
 * How long a 409 to a write carrying an Idempotency-Key is read as "a request with this key is
 * still being processed" (draft-ietf-httpapi-idempotency-key-header: the server answers 409 to a
 * retry while the original is in progress), so the write is kept and sent again later with the
 * same key. Not for ever: many APIs answer 409 for a conflict about the write itself ("already
 * exists"), and a kept head holds back every later write to its origin until maxAgeMs (a week by
 * default). Five minutes is 30 times our default attempt timeout, long for a request still
 * running; the backoff between rounds (1 s doubling, jittered) allows at most ~9 more sends in
 * that span, fewer when nothing triggers a replay.
 */
export const CONFLICT_PATIENCE_MS = 300_000;

/** What a replay's verdict reads of the entry it sent. */
export interface ReplayedEntry {
  headers: [string, string][];
  /** When a replay of it was first answered 409 (kept: see CONFLICT_PATIENCE_MS). */
  conflictSince?: number;
}

/**
 * What a replay's outcome means. `delivered`: 2xx/3xx (an opaque redirect is a 3xx we may not
 * read). `failed`: the server refused the write itself (4xx but 408/429, and but a 409 while its
 * Idempotency-Key may still be in progress), so it is never sent again: a 422 among them, which
 * the draft also uses for a key reused with another payload (the event carries the answer's body).
 * Everything else, including a local refusal and any error, keeps the entry.
 */
export function replayVerdict(outcome: Response | Error, entry: ReplayedEntry, now: number): 'delivered' | 'failed' | 'keep' {
  if (outcome instanceof Error) return 'keep';
  const source = outcome.headers.get(SOURCE);
  if (source !== null && source !== 'network') return 'keep'; // a local answer, not the server's
  if (outcome.type === 'opaqueredirect' || (outcome.status >= 200 && outcome.status < 400)) return 'delivered';
  if (outcome.status === 409 && mayBeInProgress(entry, now)) return 'keep';
  if (outcome.status >= 400 && outcome.status < 500 && !isRetryLater(outcome.status)) return 'failed';
  return 'keep';
}

function mayBeInProgress(entry: ReplayedEntry, now: number): boolean {
  const keyed = entry.headers.some(([name, value]) => value !== '' && name.toLowerCase() === 'idempotency-key');
  return keyed && (entry.conflictSince === undefined || now - entry.conflictSince < CONFLICT_PATIENCE_MS);
}

/**
 * Errors that mean the write may not have arrived: fetch's network TypeError and a timeout; not
 * the engine's refusal of a redirect under `redirect: 'error'` (its cause, the server's answer).
 * A caller's abort is its own choice and is never queued.
 */
export function isUndeliverable(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  return (error.name === 'TypeError' && !(error.cause instanceof Response)) || error.name === 'TimeoutError';
}

/** Why a send did not deliver, in a few words for the log and `list()`. */
export function causeOf(outcome: Response | Error): string {
  if (outcome instanceof Error) return outcome.name === 'TimeoutError' ? 'timeout' : 'network-error';
  const reason = outcome.headers.get(REASON);
  if (outcome.headers.get(SOURCE) === 'synthetic' && reason !== null) return reason;
  return `status ${outcome.status}`;
}
