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

describe('registerResilience outside a secure context', () => {
  it('says why, names the origin, and that calls run in the page', async () => {
    // A page served from http://192.168.0.5 (not localhost): the browser hides service workers.
    Object.assign(globalThis, { isSecureContext: false, location: { origin: 'http://192.168.0.5:5173' } });
    try {
      await expect(registerResilience({ scriptURL: '/sw.js' })).rejects.toThrow(
        'resilient-fetch: service workers need a secure context (https, or http://localhost); http://192.168.0.5:5173 is not one. resilientFetch runs in the page instead.',
      );
    } finally {
      Reflect.deleteProperty(globalThis, 'isSecureContext');
      Reflect.deleteProperty(globalThis, 'location');
    }
  });
});
