import { boolean, checkFields, fail, isObject, listOf, optional, rejectUnknownKeys, rule, type Rule } from '../core/validation.js';
import type { ResilientStrategyOptions } from './resilient-strategy.js';

const object = optional(rule(isObject, 'an object'));
const aFunction = optional(rule((v) => typeof v === 'function', 'a function'));
const checkedLater: Rule = () => undefined;

/**
 * Every option of `new ResilientStrategy(options)`. Workbox takes any `plugins` and `cacheName`
 * and fails later, on every request (a plugins object is "not iterable", a null plugin breaks
 * `hasCallback`), and a misspelt option (`tracer` for `tracing`, `persistSate`) was ignored.
 */
const RULES: Record<keyof ResilientStrategyOptions, Rule> = {
  cacheName: optional(rule((v) => typeof v === 'string' && v !== '', 'a non-empty string')),
  plugins: optional(listOf(rule(isObject, 'a Workbox plugin (an object)'), 'an array of Workbox plugins')),
  fetchOptions: object,
  matchOptions: object,
  cache: optional(rule((v) => v === false || isObject(v), 'false or an object')),
  persistState: optional(boolean),
  callOptions: checkedLater, // by validateCallOptions
  policy: checkedLater, // by the engine
  clock: object,
  // An OpenTelemetry Tracer passed "an object" and then failed every request the route handled.
  tracing: optional(rule((v) => isObject(v) && typeof v.startCall === 'function', "engineTracing(tracer)'s result")),
  random: aFunction,
  onEvent: aFunction,
  isOnline: aFunction,
  propagateTraceTo: aFunction,
  redactQueryParams: optional(listOf(rule((v) => typeof v === 'string', 'a string'), 'an array of strings')),
};

/** Throws a TypeError naming the first bad field and its value. */
export function validateStrategyOptions(options: unknown): asserts options is ResilientStrategyOptions {
  if (!isObject(options)) fail('options', options, 'an object');
  rejectUnknownKeys(RULES, options, '');
  checkFields(RULES, options);
}
