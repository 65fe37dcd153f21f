import { describe, expect, it } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { IN_PAGE_FRAGMENT } from '../../../src/sw/in-page-mark.js';
import { createRouter } from '../../../src/sw/routing.js';

const own = 'https://app.test';
const named = () => ['https://api.test'];

/** A request as the browser hands it to a worker: destination and mode are not settable from `new Request`. */
function browserRequest(url: string, fields: { destination?: RequestDestination; mode?: RequestMode; headers?: HeadersInit } = {}): Request {
  const request = new Request(url, { headers: fields.headers });
  return new Proxy(request, {
    get(target, key) {
      if (key === 'destination' && fields.destination !== undefined) return fields.destination;
      if (key === 'mode' && fields.mode !== undefined) return fields.mode;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('default routing', () => {
  const routes = createRouter({}, named);

  it('handles what resilientFetch sent, on any origin', () => {
    expect(routes(browserRequest('https://elsewhere.test/x', { headers: { [OPTIONS_HEADER]: '{}' } }))).toBe(true);
    expect(routes(browserRequest(`${own}/api/x`, { headers: { [OPTIONS_HEADER]: '{}' } }))).toBe(true);
  });

  it('handles plain fetches to the origins named in policy.origins', () => {
    expect(routes(browserRequest('https://api.test/x'))).toBe(true);
  });

  it('lets the in-page engine\'s requests through: their call already has its pipeline', () => {
    expect(routes(browserRequest(`https://api.test/x${IN_PAGE_FRAGMENT}`))).toBe(false);
    expect(createRouter({ match: ['https://api.test'] }, named)(browserRequest(`https://api.test/x${IN_PAGE_FRAGMENT}`))).toBe(false);
    expect(createRouter({ match: () => true }, named)(browserRequest(`https://api.test/x${IN_PAGE_FRAGMENT}`))).toBe(false);
  });

  it('leaves the worker\'s own origin and other origins to the browser when resilientFetch did not send them', () => {
    expect(routes(browserRequest(`${own}/data`))).toBe(false);
    expect(routes(browserRequest('https://elsewhere.test/x'))).toBe(false);
  });

  it('leaves scripts, styles and images to the browser, even on a named origin', () => {
    for (const destination of ['script', 'style', 'image', 'font'] as const) {
      expect(routes(browserRequest('https://api.test/asset', { destination })), destination).toBe(false);
    }
  });

  it('leaves navigations to the browser unless navigations: true', () => {
    const navigation = browserRequest('https://api.test/', { mode: 'navigate', destination: 'document' });
    expect(routes(navigation)).toBe(false);
    expect(createRouter({ navigations: true }, named)(navigation)).toBe(true);
  });

  it('never handles non-http schemes', () => {
    expect(createRouter({ match: () => true }, named)(browserRequest('data:text/plain,hi'))).toBe(false);
  });
});

describe('custom match', () => {
  it('takes origins, patterns or a function', () => {
    expect(createRouter({ match: ['https://a.test', /\/v2\//] }, named)(browserRequest('https://b.test/v2/x'))).toBe(true);
    expect(createRouter({ match: ['https://a.test'] }, named)(browserRequest(`${own}/x`))).toBe(false);
    expect(createRouter({ match: (url) => url.pathname.startsWith('/api') }, named)(browserRequest('https://z.test/api/1'))).toBe(true);
  });

  it('decides for sub-resources too: a match that names them takes them', () => {
    const images = createRouter({ match: (_url, request) => request.destination === 'image' }, named);
    expect(images(browserRequest('https://cdn.test/a.png', { destination: 'image' }))).toBe(true);
    expect(createRouter({ match: ['https://cdn.test'] }, named)(browserRequest('https://cdn.test/a.js', { destination: 'script' }))).toBe(true);
  });

  it('still takes what resilientFetch sent, so our header never leaves unstripped', () => {
    expect(createRouter({ match: [] }, named)(browserRequest('https://elsewhere.test/x', { headers: { [OPTIONS_HEADER]: '{}' } }))).toBe(true);
  });
});
