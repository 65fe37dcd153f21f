import type { CacheOption, LiveConfig } from '../sw/protocol.js';

/** What the in-page engine runs with: the worker's live config, and its cache option. */
export interface PageSettings extends LiveConfig {
  /** The worker script's `cache` option as the app gave it to `registerResilience`. (none) */
  cache?: CacheOption;
  /** The same, as our worker reported it with its handshake: wins over `cache`. (none) */
  reportedCache?: CacheOption;
}

/**
 * The policy, cache partition and cache option the in-page engine uses: what `registerResilience`
 * was given, then what the worker reports (its handshake, each `configure()`). Kept here, not in
 * the engine, because the engine loads only when a call finds no worker of ours. A field left
 * undefined keeps its value.
 */
const settings: PageSettings = {};
let listener: ((settings: PageSettings) => void) | undefined;

export function setPageSettings(next: PageSettings): void {
  for (const [key, value] of Object.entries(next)) if (value !== undefined) settings[key as keyof PageSettings] = value;
  listener?.(settings);
}

export function pageSettings(): PageSettings {
  return settings;
}

/** The loaded engine follows later changes. */
export function followPageSettings(apply: (settings: PageSettings) => void): void {
  listener = apply;
}
