/**
 * The one way this library checks input: a schema is a table of field → rule, and every message
 * names the field and the bad value, because a config usually arrives from far away (a page
 * message, a JSON file) and "invalid config" alone sends the user hunting. Rules are data, so the
 * policy and the per-call options share one checker and one message format.
 */
export type Rule = (value: unknown, field: string) => void;

/** Field name → rule, or → a nested schema for a nested object. */
export interface Schema {
  readonly [key: string]: Rule | Schema;
}

export function fail(field: string, value: unknown, expected: string): never {
  throw new TypeError(`${field} must be ${expected}, got ${show(value)}`);
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (Object.is(value, -0)) return '-0'; // String(-0) is "0": "must be > 0, got 0" for what the user wrote as -0
  if (typeof value === 'string' || (typeof value === 'object' && value !== null)) {
    try {
      return JSON.stringify(value);
    } catch {
      // a cycle: fall through
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

export const isFunction = (value: unknown): boolean => typeof value === 'function';

/** Checks `value` against `schema`, refusing keys the schema does not have (a typo would otherwise be silently ignored). */
export function check(schema: Schema, value: Record<string, unknown>, path: string): void {
  rejectUnknownKeys(schema, value, path);
  for (const key of Object.keys(schema)) {
    const rule = schema[key]!;
    const field = `${path}.${key}`;
    if (typeof rule === 'function') rule(value[key], field);
    else if (isObject(value[key])) check(rule, value[key], field);
    else fail(field, value[key], 'an object');
  }
}

/**
 * Checks each field of `value` that `rules` names, each message naming the field bare (an entry
 * point's own options: `plugins must be...`). Keys it does not name are left to the caller.
 */
export function checkFields(rules: { readonly [field: string]: Rule }, value: Record<string, unknown>): void {
  for (const field in rules) rules[field]!(value[field], field);
}

/** `path` '' for options named bare (the cache's). */
export function rejectUnknownKeys(schema: Schema, value: Record<string, unknown>, path: string): void {
  for (const key in value) {
    if (!Object.hasOwn(schema, key)) throw new TypeError(`${path === '' ? key : `${path}.${key}`} is not a known option (known: ${Object.keys(schema).join(', ')})`);
  }
}

// ---- rules ----

export const rule = (ok: (value: unknown) => boolean, expected: string): Rule => (value, field) => {
  if (!ok(value)) fail(field, value, expected);
};

export const positive = rule((v) => isNumber(v) && v > 0 && v < Infinity, 'a finite number > 0');
export const positiveOrInfinity = rule((v) => isNumber(v) && v > 0, 'a number > 0 (Infinity allowed)');
export const nonNegative = rule((v) => isNumber(v) && v >= 0 && v < Infinity, 'a finite number >= 0');
export const nonNegativeOrInfinity = rule((v) => isNumber(v) && v >= 0, 'a number >= 0 (Infinity allowed)');
export const fraction = rule((v) => isNumber(v) && v > 0 && v <= 1, 'a number in (0, 1]');
export const boolean = rule((v) => typeof v === 'boolean', 'true or false');
export const anything: Rule = () => undefined;

export const integer = (min: number, max?: number): Rule =>
  rule((v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= (max ?? Infinity), max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`);

export const oneOf = (...allowed: string[]): Rule => rule((v) => allowed.includes(v as string), `one of ${allowed.map((a) => `"${a}"`).join(', ')}`);

export const optional = (inner: Rule): Rule => (value, field) => {
  if (value !== undefined) inner(value, field);
};

/** An array whose items each pass `item` (reported with their index). */
export const listOf = (item: Rule, expected: string): Rule => (value, field) => {
  if (!Array.isArray(value)) fail(field, value, expected);
  value.forEach((v, i) => item(v, `${field}[${i}]`));
};

/** `false` (the feature is off) or an object of `schema`. */
export const falseOr = (schema: Schema, expected = `false or { ${Object.keys(schema).join(', ')} }`): Rule => (value, field) => {
  if (value === false) return;
  if (!isObject(value)) fail(field, value, expected);
  check(schema, value, field);
};
