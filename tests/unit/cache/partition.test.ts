import { describe, expect, it } from 'vitest';
import { URL_A, URL_B, get, matchText, ok, setup } from './helpers.js';

describe('partitions', () => {
  it('never serves one partition’s entry under another, or without one', async () => {
    const { cache } = setup({ partition: 'alice' });
    await cache.put(get(URL_A), ok('alice data'));

    cache.setPartition('bob');
    expect(await cache.match(get(URL_A))).toBeUndefined();
    cache.setPartition(null);
    expect(await cache.match(get(URL_A))).toBeUndefined();
    cache.setPartition('alice');
    expect(await matchText(cache, get(URL_A))).toBe('alice data');
  });

  it('keeps same-URL entries of different partitions apart', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('shared'));
    cache.setPartition('alice');
    await cache.put(get(URL_A), ok('alice'));
    cache.setPartition('bob');
    await cache.put(get(URL_A), ok('bob'));

    expect(await matchText(cache, get(URL_A))).toBe('bob');
    cache.setPartition(null);
    expect(await matchText(cache, get(URL_A))).toBe('shared');
    expect((await cache.stats()).entries).toBe(3);
  });

  it('stores and serves Authorization requests once a partition is set', async () => {
    const { cache } = setup();
    const authed = () => get(URL_A, { authorization: 'Bearer alice-token' });
    cache.setPartition('alice');
    await cache.put(authed(), ok('private'));
    expect(await matchText(cache, authed())).toBe('private');

    // Without a partition an Authorization request is never answered from the cache.
    cache.setPartition(null);
    await cache.put(get(URL_A), ok('public'));
    expect(await cache.match(authed())).toBeUndefined();
  });

  it('clear(partition) removes only that partition, clear() everything', async () => {
    const { cache } = setup();
    await cache.put(get(URL_A), ok('shared'));
    cache.setPartition('alice');
    await cache.put(get(URL_A), ok('alice-a'));
    await cache.put(get(URL_B), ok('alice-b'));
    cache.setPartition('bob');
    await cache.put(get(URL_A), ok('bob-a'));

    await cache.clear('alice');
    expect(await cache.stats()).toMatchObject({ entries: 2, bytes: 'shared'.length + 'bob-a'.length });
    cache.setPartition('alice');
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect(await cache.match(get(URL_B))).toBeUndefined();
    cache.setPartition('bob');
    expect(await matchText(cache, get(URL_A))).toBe('bob-a');

    await cache.clear(null);
    cache.setPartition(null);
    expect(await cache.match(get(URL_A))).toBeUndefined();
    cache.setPartition('bob');
    expect(await matchText(cache, get(URL_A))).toBe('bob-a');

    await cache.clear();
    expect(await cache.match(get(URL_A))).toBeUndefined();
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('clear waits for a put already under way, so nothing of the partition lands after it', async () => {
    const { cache } = setup({ partition: 'alice' });
    let release!: () => void;
    const slowBody = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise<void>((resolve) => (release = resolve));
        controller.enqueue(new TextEncoder().encode('late'));
        controller.close();
      },
    });
    const putting = cache.put(get(URL_A), ok(slowBody));
    const clearing = cache.clear('alice');
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    await Promise.all([putting, clearing]);
    expect(await cache.match(get(URL_A))).toBeUndefined();
  });

  it('uses the partition current when the call started', async () => {
    const { cache } = setup({ partition: 'alice' });
    const putting = cache.put(get(URL_A), ok('alice data'));
    cache.setPartition('bob');
    await putting;
    expect(await cache.match(get(URL_A))).toBeUndefined();
    cache.setPartition('alice');
    expect(await matchText(cache, get(URL_A))).toBe('alice data');
  });
});
