import type { LiveConfig } from '../sw/protocol.js';

/**
 * The policy and cache partition the in-page engine uses: what `registerResilience` was given,
 * then what the worker reports after each `configure()`. Kept here, not in the engine, because
 * the engine loads only when a call finds no worker of ours.
 */
let settings: LiveConfig = {};
let listener: ((settings: LiveConfig) => void) | undefined;

export function setPageSettings(next: LiveConfig): void {
  settings = {
    ...settings,
    ...(next.policy !== undefined ? { policy: next.policy } : {}),
    ...(next.cachePartition !== undefined ? { cachePartition: next.cachePartition } : {}),
  };
  listener?.(settings);
}

export function pageSettings(): LiveConfig {
  return settings;
}

/** The loaded engine follows later changes. */
export function followPageSettings(apply: (settings: LiveConfig) => void): void {
  listener = apply;
}
