// installResilience's own fields (policy and cache options have their own validators): a mistake
// fails the worker script at once with a TypeError naming the field and the value, rather than
// being ignored (a match, a log sink that never logs) or breaking every call
// later (telemetry).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

const install = (config: object) => () => startWorker({ stateDbName: freshDbName(), ...config });

describe('installResilience config', () => {
  it.each([
    [{ match: 5 }, 'match must be a function, or a list of origins (https://host) and RegExps, got 5'],
    [{ match: ['api.example.com'] }, 'match must be a function, or a list of origins (https://host) and RegExps, got ["api.example.com"]'],
    [{ match: [5] }, 'match must be a function, or a list of origins (https://host) and RegExps, got [5]'],
    [{ navigations: 'yes' }, 'navigations must be true or false, got "yes"'],
    [{ log: 'console' }, 'log must be false or a function, got "console"'],
    [{ telemetry: {} }, "telemetry must be setupWorkerTracing(...)'s result, got {}"],
    [{ cache: 'off' }, 'cache must be false or the cache options, got "off"'],
  ])('%j: %s', (config, message) => {
    expect(install(config)).toThrow(TypeError);
    expect(install(config)).toThrow(message);
  });

  it('accepts what the README shows', () => {
    expect(install({ match: ['https://api.example.com', /\/api\//], navigations: false, log: false, onEvent: () => undefined, cache: {} })).not.toThrow();
    expect(install({ match: () => true, log: () => undefined, cache: false })).not.toThrow();
  });
});
