import { merge } from '../core/policy.js';
import { isObject } from '../core/validation.js';
import type { PolicyConfig } from '../core/types.js';

/** A config where any field may be `null`: "forget what pages set here, use the script's value". */
export type Resettable<T> = { [K in keyof T]?: ResettableValue<NonNullable<T[K]>> | null };
type ResettableValue<V> = V extends readonly unknown[] ? V : V extends object ? Resettable<V> | V : V;

/** What pages sent with `configure()`, layered over the script's own policy. */
export type PolicyOverlay = PolicyConfig;

/**
 * Folds a page's partial into the overlay pages have built so far. Plain objects merge field by
 * field; arrays and `false` replace; `null` deletes the field from the overlay, so the script's
 * value (or the default) shows through again — for one number, one origin's override, or the
 * whole policy. The result holds no nulls.
 */
export function foldOverlay(overlay: PolicyOverlay, partial: Resettable<PolicyConfig> | null | undefined): PolicyOverlay {
  if (partial === undefined) return overlay;
  if (partial === null) return {};
  return fold(overlay, partial) as PolicyOverlay;
}

/** The policy the worker runs: the script's, with what pages sent on top. */
export function effectivePolicy(script: PolicyConfig, overlay: PolicyOverlay): PolicyConfig {
  return merge(script, overlay);
}

function fold(base: unknown, partial: unknown): unknown {
  if (!isObject(partial)) return partial;
  const out: Record<string, unknown> = isObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else out[key] = fold(out[key], value);
  }
  return out;
}
