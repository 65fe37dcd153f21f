// registerResilience's timeoutMs: a mistake is a TypeError naming the field and the value, before
// anything is registered or stored for the in-page engine.
import { describe, expect, it } from 'vitest';
import { registerResilience, type RegisterOptions } from '../../../src/client/register.js';

describe('registerResilience options', () => {
  it.each([
    [{ scriptURL: '/sw.js', timeoutMs: '10s' }, 'timeoutMs must be a number > 0 and <= 2147483647, got 10s'],
    [{ scriptURL: '/sw.js', timeoutMs: 0 }, 'timeoutMs must be a number > 0 and <= 2147483647, got 0'],
    // Past a timer's longest wait, setTimeout fires at once: every wait would have failed at once.
    [{ scriptURL: '/sw.js', timeoutMs: Infinity }, 'timeoutMs must be a number > 0 and <= 2147483647, got Infinity'],
    [{ scriptURL: '/sw.js', timeoutMs: 2 ** 31 }, 'timeoutMs must be a number > 0 and <= 2147483647, got 2147483648'],
    // As navigator.serviceWorker.register('/sw.js') is called: it registered '/undefined', and the
    // user read the browser's 404 for a script they never named.
    ['/sw.js', 'registerResilience takes { scriptURL }, got "/sw.js"'],
    [undefined, 'registerResilience takes { scriptURL }, got undefined'],
    [{ scriptURl: '/sw.js' }, 'registerResilience takes { scriptURL }, got {"scriptURl":"/sw.js"}'],
  ])('%j', async (options, message) => {
    const registering = registerResilience(options as unknown as RegisterOptions);
    await expect(registering).rejects.toThrow(TypeError);
    await expect(registering).rejects.toThrow(message);
  });
});
