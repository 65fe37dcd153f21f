import { anything, boolean, checkFields, fail, isFunction, isObject, optional, rejectUnknownKeys, rule } from '../core/validation.js';

/**
 * Every field of installResilience's config, in ResilienceConfig's order (the unknown-key message
 * lists them so), with what it must be where a mistake would be ignored (a match, a log sink that
 * never logs, a cache left on), break every call later (telemetry) or fail with someone else's
 * words (`outbox: true`: "config.outbox is not a function"). `policy`, the cache's options and
 * `version` have checks of their own. A misspelt field is refused: a worker script in plain
 * JavaScript (`sw.js`) has no TypeScript to catch `polciy`, which ran the default policy (+0.05 KB gz).
 */
const FIELDS = {
  policy: anything,
  cache: optional(rule((v) => v === false || isObject(v), 'false or the cache options')),
  telemetry: optional(rule((v) => isObject(v) && isObject(v.tracing) && isFunction(v.flush), "setupWorkerTracing(...)'s result")),
  onEvent: optional(rule(isFunction, 'a function')),
  log: optional(rule((v) => v === false || isFunction(v), 'false or a function')),
  outbox: optional(rule(isFunction, "the outbox module (import { outbox } from 'resilient-fetch/sw/outbox')")),
  stateDbName: optional(rule((v) => typeof v === 'string' && v !== '', 'a non-empty string')),
  version: anything,
  match: optional(rule((v) => isFunction(v) || (Array.isArray(v) && v.every((m) => m instanceof RegExp || URL.canParse(m))), 'a function, or a list of origins (https://host) and RegExps')),
  navigations: optional(boolean),
};

/** Checks the worker script's config before anything is installed: a TypeError names the field and the value. */
export function checkWorkerConfig(config: unknown): void {
  if (!isObject(config)) fail('config', config, 'an object');
  rejectUnknownKeys(FIELDS, config, '');
  checkFields(FIELDS, config);
}
