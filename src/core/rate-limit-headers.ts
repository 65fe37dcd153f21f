/**
 * The rate-limit fields servers send besides Retry-After, read as "how long until a request may
 * succeed" (ms), or undefined when they imply no wait:
 *
 * - `RateLimit` / `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-08 and later): lists
 *   of Structured Field items (RFC 9651), `RateLimit: "default";r=0;t=10` and
 *   `RateLimit-Policy: "default";q=100;w=60` (with a partition key: `;pk=:dXNlcjE=:`). Only a policy whose remaining quota `r` is 0
 *   implies a wait: its `t` (seconds until the quota resets), else its policy's window `w`. With
 *   several exhausted policies a request needs quota under all of them, so the longest wait wins.
 * - `RateLimit-Reset` with `RateLimit-Remaining` (drafts up to -06).
 * - `X-RateLimit-Reset` (GitHub and many others) or `X-Rate-Limit-Reset` (Twitter), with
 *   `X-RateLimit-Remaining`.
 *
 * The older pairs imply a wait only when the remaining count is 0 or absent: GitHub sends
 * `X-RateLimit-Reset` (the hourly reset) on every response, so a 503 with 4,999 requests left
 * must not wait for the next hour.
 */

/** A Structured Field item: its bare value and its parameters. */
interface Item {
  value: string | number | boolean;
  params: Map<string, string | number | boolean>;
}

/**
 * An epoch timestamp rather than delta-seconds, when a reset value is at least this close to
 * now (seconds). ky uses a fixed cutoff (2024-01-01); ours is relative to the injected clock, so
 * it does not age and fake clocks work. A delta of 53 years is never meant; an epoch value from
 * a server whose clock is a year behind ours still reads as an epoch.
 */
const EPOCH_MARGIN_S = 365 * 24 * 3600;

/** The wait the rate-limit fields imply, in ms; undefined when they imply none or are absent. */
export function rateLimitDelayMs(headers: Headers, now: number): number | undefined {
  const structured = headers.get('ratelimit');
  if (structured !== null) {
    const items = parseList(structured);
    if (items !== undefined) return structuredDelayMs(items, headers.get('ratelimit-policy'));
  }
  const reset = legacyDelayMs(headers.get('ratelimit-reset'), headers.get('ratelimit-remaining'), now);
  if (reset !== undefined) return reset;
  return legacyDelayMs(headers.get('x-ratelimit-reset') ?? headers.get('x-rate-limit-reset'), headers.get('x-ratelimit-remaining') ?? headers.get('x-rate-limit-remaining'), now);
}

function structuredDelayMs(limits: Item[], policyField: string | null): number | undefined {
  const policies = policyField === null ? [] : (parseList(policyField) ?? []);
  let wait: number | undefined;
  for (const limit of limits) {
    if (limit.params.get('r') !== 0) continue;
    const reset = limit.params.get('t');
    const window = policies.find((p) => p.value === limit.value)?.params.get('w');
    const seconds = isSeconds(reset) ? reset : isSeconds(window) ? window : undefined;
    if (seconds !== undefined) wait = Math.max(wait ?? 0, seconds * 1000);
  }
  return wait;
}

function legacyDelayMs(reset: string | null, remaining: string | null, now: number): number | undefined {
  if (reset === null || !/^\d+$/.test(reset.trim())) return undefined;
  if (remaining !== null && remaining.trim() !== '0') return undefined;
  const seconds = Number(reset.trim());
  if (seconds >= now / 1000 - EPOCH_MARGIN_S) return Math.max(0, seconds * 1000 - now);
  return seconds * 1000;
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

// ---- Structured Fields (RFC 9651 §4.2): a List of Items, enough for these two fields ----

/** The items of a List, or undefined when the field does not parse (RFC 9651: then ignore it). */
export function parseList(field: string): Item[] | undefined {
  const input = { text: field, at: 0 };
  const items: Item[] = [];
  skip(input, / */y);
  if (input.at === input.text.length) return items;
  for (;;) {
    const item = parseItem(input);
    if (item === undefined) return undefined;
    items.push(item);
    skip(input, /[ \t]*/y);
    if (input.at === input.text.length) return items;
    if (!skip(input, /,[ \t]*/y) || input.at === input.text.length) return undefined;
  }
}

interface Cursor {
  text: string;
  at: number;
}

function parseItem(input: Cursor): Item | undefined {
  const value = parseBareItem(input);
  if (value === undefined) return undefined;
  const params = new Map<string, string | number | boolean>();
  while (skip(input, /;/y)) {
    skip(input, / */y);
    const key = match(input, /[a-z*][a-z0-9_.*-]*/y);
    if (key === undefined) return undefined;
    const param = skip(input, /=/y) ? parseBareItem(input) : true;
    if (param === undefined) return undefined;
    params.set(key, param);
  }
  return { value, params };
}

function parseBareItem(input: Cursor): string | number | boolean | undefined {
  const number = match(input, /-?\d{1,15}(?:\.\d{1,3})?(?![\d.])/y);
  if (number !== undefined) return Number(number);
  const string = match(input, /"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"/y, 1);
  if (string !== undefined) return string.replace(/\\(["\\])/g, '$1');
  const token = match(input, /[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/y);
  if (token !== undefined) return token;
  const boolean = match(input, /\?([01])/y, 1);
  if (boolean !== undefined) return boolean === '1';
  // Read so that a field carrying them parses (the drafts' "pk" is a Byte Sequence); their values
  // are never used here, so they are kept as their text.
  const bytes = match(input, /:([A-Za-z0-9+/=]*):/y, 1);
  if (bytes !== undefined) return bytes;
  const date = match(input, /@(-?\d{1,15})(?![\d.])/y, 1);
  if (date !== undefined) return Number(date);
  return match(input, /%"((?:[\x20\x21\x23\x24\x26-\x7e]|%[0-9a-f]{2})*)"/y, 1); // a Display String; else undefined (inner lists are not used)
}

function match(input: Cursor, pattern: RegExp, group = 0): string | undefined {
  pattern.lastIndex = input.at;
  const m = pattern.exec(input.text);
  if (m === null) return undefined;
  input.at = pattern.lastIndex;
  return m[group];
}

function skip(input: Cursor, pattern: RegExp): boolean {
  return match(input, pattern) !== undefined;
}
