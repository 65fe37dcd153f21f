/**
 * The one way this library checks input: every message names the field and the bad value,
 * because a config usually arrives from far away (a page message, a JSON file) and "invalid
 * config" alone sends the user hunting. Used for the policy, per-call options, the worker's live
 * config and the cache options.
 */
export function fail(field: string, value: unknown, expected: string): never {
  throw new TypeError(`${field} must be ${expected}, got ${show(value)}`);
}

export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function positive(field: string, value: unknown, opts: { allowInfinity?: boolean } = {}): void {
  if (!isNumber(value) || value <= 0 || (!opts.allowInfinity && !Number.isFinite(value))) {
    fail(field, value, opts.allowInfinity ? 'a number > 0 (Infinity allowed)' : 'a finite number > 0');
  }
}

export function nonNegative(field: string, value: unknown, opts: { allowInfinity?: boolean } = {}): void {
  if (!isNumber(value) || value < 0 || (!opts.allowInfinity && !Number.isFinite(value))) {
    fail(field, value, opts.allowInfinity ? 'a number >= 0 (Infinity allowed)' : 'a finite number >= 0');
  }
}

export function fraction(field: string, value: unknown): void {
  if (!isNumber(value) || value <= 0 || value > 1) fail(field, value, 'a number in (0, 1]');
}

export function integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    fail(field, value, max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);
  }
}

export function oneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    fail(field, value, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }
}

export function boolean(field: string, value: unknown): void {
  if (typeof value !== 'boolean') fail(field, value, 'true or false');
}

/** Refuses keys the shape does not have (a typo would otherwise be silently ignored). */
export function rejectUnknownKeys(value: object, known: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${path}.${key} is not a known option (known: ${known.join(', ')})`);
  }
}
