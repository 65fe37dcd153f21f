// installResilience's own fields, beyond worker-config.test.ts: a worker script written in plain
// JavaScript (the README's `sw.js`) has no TypeScript to catch a misspelt field, and a wrong
// `outbox` failed with the engine's "config.outbox is not a function", which names neither what
// was meant nor what to import.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

const install = (config: object) => () => startWorker({ stateDbName: freshDbName(), ...config });

describe('installResilience config, as a plain-JavaScript worker script writes it', () => {
  it.each([
    // Misspelt: the whole policy, or the cache's `false`, was ignored; the worker ran the defaults.
    [{ polciy: { defaults: { timeoutMs: 5_000 } } }, 'polciy is not a known option (known: policy, cache, telemetry, onEvent, log, outbox, stateDbName, version, match, navigations)'],
    [{ cahce: false }, 'cahce is not a known option'],
    // The outbox is the module, turned on in the policy: `outbox: true` here read as the module.
    [{ outbox: true }, "outbox must be the outbox module (import { outbox } from 'resilient-fetch/sw/outbox'), got true"],
    [{ outbox: { maxEntries: 200 } }, "outbox must be the outbox module (import { outbox } from 'resilient-fetch/sw/outbox'), got {\"maxEntries\":200}"],
    [{ onEvent: 'log' }, 'onEvent must be a function, got "log"'],
    [{ stateDbName: '' }, 'stateDbName must be a non-empty string, got ""'],
    [{ stateDbName: 5 }, 'stateDbName must be a non-empty string, got 5'],
  ])('%j', (config, message) => {
    expect(install(config)).toThrow(TypeError);
    expect(install(config)).toThrow(message);
  });
});
