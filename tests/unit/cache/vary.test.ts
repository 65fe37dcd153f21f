import { describe, expect, it } from 'vitest';
import { URL_A, get, matchText, ok, setup } from './helpers.js';

describe('Vary', () => {
  it('serves a response only to requests with the same value of a varied header', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A, { 'accept-language': 'en' }), ok('hello', { vary: 'Accept-Language' }));

    expect(await cache.match(get(URL_A, { 'accept-language': 'fr' }))).toBeUndefined();
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect(await matchText(cache, get(URL_A, { 'Accept-Language': 'en' }))).toBe('hello');
  });

  it('ignores headers the response did not vary on', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A, { 'accept-language': 'en', 'x-trace': '1' }), ok('hello', { vary: 'accept-language' }));
    expect(await matchText(cache, get(URL_A, { 'accept-language': 'en', 'x-trace': '2' }))).toBe('hello');
  });

  it('treats an absent varied header as a value of its own', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('anonymous', { vary: 'Accept-Language' }));
    expect(await cache.match(get(URL_A, { 'accept-language': 'en' }))).toBeUndefined();
    expect(await matchText(cache, get(URL_A))).toBe('anonymous');
  });

  it('keeps one variant per set of values, and replaces a variant on a new put', async () => {
    const { cache, clock } = setup();
    const en = () => get(URL_A, { 'accept-language': 'en' });
    const fr = () => get(URL_A, { 'accept-language': 'fr' });
    await cache.put(en(), ok('hello', { vary: 'Accept-Language' }));
    await cache.put(fr(), ok('bonjour', { vary: 'Accept-Language' }));
    clock.advance(1_000);
    await cache.put(en(), ok('hi', { vary: 'accept-language' }));

    expect(await matchText(cache, en())).toBe('hi');
    expect(await matchText(cache, fr())).toBe('bonjour');
    expect((await cache.stats()).entries).toBe(2);
  });

  it('matches on every varied header, whatever their case and order in Vary', async () => {
    const { cache } = setup();
    await cache.put(
      get(URL_A, { accept: 'application/json', 'accept-language': 'en' }),
      ok('json-en', { vary: 'Accept-Language, ACCEPT, accept' }),
    );
    expect(await cache.match(get(URL_A, { accept: 'text/html', 'accept-language': 'en' }))).toBeUndefined();
    expect(await cache.match(get(URL_A, { accept: 'application/json', 'accept-language': 'de' }))).toBeUndefined();
    expect(await matchText(cache, get(URL_A, { 'accept-language': 'en', accept: 'application/json' }))).toBe('json-en');
  });

  it('a new response that stops varying supersedes the variant the request matched', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A, { 'accept-language': 'en' }), ok('en', { vary: 'Accept-Language' }));
    await cache.put(get(URL_A, { 'accept-language': 'en' }), ok('same for all'));
    expect(await matchText(cache, get(URL_A, { 'accept-language': 'en' }))).toBe('same for all');
    expect(await matchText(cache, get(URL_A, { 'accept-language': 'fr' }))).toBe('same for all');
    expect((await cache.stats()).entries).toBe(1);
  });
});
