import { DEFAULT_MAX_ORIGINS, DEFAULT_OUTBOX, DEFAULT_POLICY } from './defaults.js';
import type { DeepPartial, OriginPolicy, PolicyConfig, PolicyOverride } from './types.js';
import { validatePolicy } from './validate.js';
import { anything, fail, integer, isObject, rejectUnknownKeys, type Schema } from './validation.js';

/**
 * A validated policy config: the defaults merged once, and each named origin's policy merged
 * once, so the hot path is a Map lookup. Origins without an override share the defaults object,
 * so memory does not grow with the origins seen.
 */
export class ResolvedPolicy {
  readonly maxOrigins: number;
  private readonly defaults: OriginPolicy;
  private readonly named = new Map<string, OriginPolicy>();

  constructor(config: PolicyConfig = {}) {
    const given: unknown = config;
    if (!isObject(given)) fail('policy', config, 'an object');
    // A misspelt key (`default`) left the whole policy at the defaults without a word.
    rejectUnknownKeys(CONFIG_KEYS, given, 'policy');
    this.maxOrigins = config.maxOrigins === undefined ? DEFAULT_MAX_ORIGINS : config.maxOrigins;
    integer(1)(this.maxOrigins, 'policy.maxOrigins');
    this.defaults = resolve(DEFAULT_POLICY, config.defaults, 'policy.defaults');
    if (config.origins !== undefined && !isObject(given.origins)) fail('policy.origins', config.origins, 'an object of origin → policy');
    const keys = new Map<string, string>();
    for (const [key, override] of Object.entries(config.origins ?? {})) {
      const origin = normalizeOriginKey(key);
      // `https://a` and `https://a:443` are one origin: the later silently replaced the earlier.
      const earlier = keys.get(origin);
      if (earlier !== undefined) throw new TypeError(`policy.origins["${key}"] is the same origin as "${earlier}"`);
      keys.set(origin, key);
      this.named.set(origin, resolve(this.defaults, override, `policy.origins["${key}"]`));
    }
  }

  /** Origins named in the config (the worker routes these). */
  namedOrigins(): string[] {
    return [...this.named.keys()];
  }

  for(origin: string): OriginPolicy {
    return this.named.get(origin) ?? this.defaults;
  }
}

/** The keys a PolicyConfig may have (checked like every schema: a typo is named, not ignored). */
const CONFIG_KEYS: Schema = { defaults: anything, origins: anything, maxOrigins: anything };

function resolve(base: OriginPolicy, override: PolicyOverride | undefined, path: string): OriginPolicy {
  if (override !== undefined && !isObject(override)) fail(path, override, 'an object');
  const outbox = (override as { outbox?: unknown } | undefined)?.outbox;
  // `outbox: true` is the short way to say "with the default limits".
  const expanded = outbox === true ? { ...override, outbox: DEFAULT_OUTBOX } : isObject(outbox) ? { ...override, outbox: { ...DEFAULT_OUTBOX, ...outbox } } : override;
  const policy = merge(base, expanded as DeepPartial<OriginPolicy> | undefined);
  // A config that lengthens openMs alone means "stay open that long": the ceiling it did not
  // mention follows, rather than refusing a value the user never wrote.
  const breaker = (override as { breaker?: { maxOpenMs?: unknown } } | undefined)?.breaker;
  if (breaker?.maxOpenMs === undefined && policy.breaker.maxOpenMs < policy.breaker.openMs) {
    policy.breaker = { ...policy.breaker, maxOpenMs: policy.breaker.openMs };
  }
  validatePolicy(policy, path);
  return policy;
}

/**
 * `localhost:8080` parses as a URL whose scheme is "localhost:" and whose origin is "null": its
 * policy applied to no request. A path was dropped: the policy applied to the whole origin.
 */
function normalizeOriginKey(key: string): string {
  let url: URL | undefined;
  try {
    url = new URL(key);
  } catch {
    // named below
  }
  if (url?.origin !== 'null' && url?.href === `${url?.origin}/`) return url.origin;
  return fail('policy.origins key', key, 'an origin like "https://api.example.com"');
}

/** Deep merge for plain objects; arrays, functions' owners and `false` replace what they override. */
export function merge<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  if (!isObject(base) || !isObject(override)) return override as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) && !('handler' in value) ? merge(current, value) : value;
  }
  return out as T;
}
