// policy.origins is keyed by origin. A key a URL parser reads as something else was taken without
// a word: `localhost:8080` and `api.example.com:443` parse as a scheme ("localhost:") whose origin
// is "null", so their policy applied to no request; a key with a path applied to the whole origin,
// as if policies were per path.
import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';

const withOrigin = (key: string) => () => createResilientFetch({ policy: { origins: { [key]: { timeoutMs: 1_000 } } } });

describe('policy.origins keys', () => {
  it.each([
    ['localhost:8080', 'policy.origins key must be an origin like "https://api.example.com", got "localhost:8080"'],
    ['api.example.com:443', 'policy.origins key must be an origin like "https://api.example.com", got "api.example.com:443"'],
    ['https://api.example.com/v1', 'policy.origins key must be an origin like "https://api.example.com", got "https://api.example.com/v1"'],
    ['https://api.example.com?x=1', 'policy.origins key must be an origin like "https://api.example.com", got "https://api.example.com?x=1"'],
  ])('%s is refused', (key, message) => {
    expect(withOrigin(key)).toThrow(TypeError);
    expect(withOrigin(key)).toThrow(message);
  });

  it.each(['https://api.example.com', 'https://api.example.com/', 'http://127.0.0.1:5174', 'HTTPS://API.example.com:443'])('%s is an origin', (key) => {
    const rf = withOrigin(key)();
    expect(rf.namedOrigins()).toEqual([new URL(key).origin]);
  });
});
