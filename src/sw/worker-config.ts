import { boolean, checkFields, fail, isFunction, isObject, optional, rule } from '../core/validation.js';

/**
 * The fields of installResilience's config a mistake in which would be ignored (a match, a log sink
 * that never logs, a cache left on) or break every call later (telemetry), with what each must
 * be. `policy`, the cache's options and `version` have checks of their own; a wrong `onEvent` or
 * `outbox` fails loudly already. Unknown fields are not refused: TypeScript does, and the list
 * of known ones cost 0.05 KB gz more than these checks' 0.2 KB.
 */
const FIELDS = {
  match: optional(rule((v) => isFunction(v) || (Array.isArray(v) && v.every((m) => m instanceof RegExp || URL.canParse(m))), 'a function, or a list of origins (https://host) and RegExps')),
  navigations: optional(boolean),
  log: optional(rule((v) => v === false || isFunction(v), 'false or a function')),
  telemetry: optional(rule((v) => isObject(v) && isObject(v.tracing) && isFunction(v.flush), "setupWorkerTracing(...)'s result")),
  cache: optional(rule((v) => v === false || isObject(v), 'false or the cache options')),
};

/** Checks the worker script's config before anything is installed: a TypeError names the field and the value. */
export function checkWorkerConfig(config: unknown): void {
  if (!isObject(config)) fail('config', config, 'an object');
  checkFields(FIELDS, config);
}
