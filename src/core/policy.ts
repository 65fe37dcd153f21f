import { DEFAULT_MAX_ORIGINS, DEFAULT_POLICY } from './defaults.js';
import type { DeepPartial, OriginPolicy, PolicyConfig } from './types.js';
import { validatePolicy } from './validate.js';

/**
 * A validated policy config: the defaults merged once, and per-origin policies merged on first
 * use and kept, so the hot path is a Map lookup.
 */
export class ResolvedPolicy {
  readonly maxOrigins: number;
  private readonly defaults: OriginPolicy;
  private readonly overrides: Map<string, DeepPartial<OriginPolicy>>;
  private readonly merged = new Map<string, OriginPolicy>();

  constructor(config: PolicyConfig = {}) {
    if (config === null || typeof config !== 'object') {
      throw new TypeError(`policy must be an object, got ${String(config)}`);
    }
    this.maxOrigins = config.maxOrigins ?? DEFAULT_MAX_ORIGINS;
    if (!Number.isInteger(this.maxOrigins) || this.maxOrigins < 1) {
      throw new TypeError(`policy.maxOrigins must be a positive integer, got ${String(config.maxOrigins)}`);
    }
    this.defaults = merge(DEFAULT_POLICY, config.defaults ?? {});
    validatePolicy(this.defaults, 'policy.defaults');
    this.overrides = new Map();
    for (const [key, override] of Object.entries(config.origins ?? {})) {
      const origin = normalizeOriginKey(key);
      const policy = merge(this.defaults, override);
      validatePolicy(policy, `policy.origins["${key}"]`);
      this.overrides.set(origin, override);
      this.merged.set(origin, policy);
    }
  }

  /** Origins named in the config (the worker routes these). */
  namedOrigins(): string[] {
    return [...this.overrides.keys()];
  }

  for(origin: string): OriginPolicy {
    let policy = this.merged.get(origin);
    if (policy === undefined) {
      policy = this.defaults;
      this.merged.set(origin, policy);
    }
    return policy;
  }
}

function normalizeOriginKey(key: string): string {
  try {
    return new URL(key).origin;
  } catch {
    throw new TypeError(`policy.origins key must be an origin like "https://api.example.com", got "${key}"`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge for plain objects; arrays and `false` replace what they override. */
export function merge<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out as T;
}
