import type { CreateOptions } from './create-resilient-fetch.js';
import { anything, check, fail, isFunction, isObject, listOf, optional, rule, type Rule } from './validation.js';

const aFunction = optional(rule(isFunction, 'a function'));
/** An object with these methods (a class instance's too), named in the message: `what { a, b }`. */
const has = (what: string, ...methods: string[]): Rule =>
  optional(rule((v) => isObject(v) && methods.every((name) => isFunction(v[name])), `${what} { ${methods.join(', ')} }`));

/**
 * createResilientFetch's options, in the order of ResilientFetchOptions (the unknown-key message
 * lists them so). Each was used only when a call needed it: an OpenTelemetry Tracer given as
 * `tracing` threw on every call, `cache: false` (as installResilience takes it) failed every
 * store, and a misspelt option (the README's own `tracer`) was ignored.
 */
export const ENGINE_OPTIONS: { readonly [K in keyof Required<CreateOptions>]: Rule } = {
  fetch: aFunction,
  clock: anything, // a test's or a simulation's, written against the Clock type
  random: aFunction,
  policy: anything, // the policy's own checks (validate.ts) name its fields
  store: anything, // the worker's IdbStateStore, or a test's
  cache: has('a ResponseCache', 'match', 'put'),
  tracing: has("engineTracing(tracer)'s result", 'active', 'extract', 'startCall'),
  onEvent: aFunction,
  isOnline: aFunction,
  propagateTraceTo: aFunction,
  redactQueryParams: optional(listOf(rule((v) => typeof v === 'string', 'a string'), 'an array of strings')),
};

/** Throws a TypeError naming the first unknown or wrong option and its value. */
export function checkEngineOptions(options: unknown): void {
  if (!isObject(options)) fail('options', options, 'an object');
  check(ENGINE_OPTIONS, options, 'options');
}
