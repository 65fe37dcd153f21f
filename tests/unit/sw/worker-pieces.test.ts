import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { readCallOptions, stripPageHeaders } from '../../../src/sw/options-header.js';
import { PageAborts } from '../../../src/sw/page-aborts.js';

describe('page headers', () => {
  it('reads per-call options and strips every page-only header, keeping the rest of the request', async () => {
    const original = new Request('https://api.test/orders', {
      method: 'POST',
      body: 'payload',
      headers: { [OPTIONS_HEADER]: JSON.stringify({ retries: 1, abortId: 'x' }), traceparent: '00-aa-bb-01', 'Content-Type': 'text/plain', 'Idempotency-Key': 'k' },
      credentials: 'include',
      redirect: 'manual',
      referrerPolicy: 'no-referrer',
    });
    expect(readCallOptions(original)).toEqual({ retries: 1, abortId: 'x' });
    const stripped = stripPageHeaders(original);
    expect([...stripped.headers.keys()].sort()).toEqual(['content-type', 'idempotency-key']);
    expect(stripped.method).toBe('POST');
    expect(await stripped.text()).toBe('payload');
    expect(stripped.credentials).toBe('include');
    expect(stripped.redirect).toBe('manual');
    for (const field of ['mode', 'cache', 'referrer', 'referrerPolicy', 'integrity', 'keepalive'] as const) {
      expect(stripped[field], field).toBe(original[field]);
    }
  });

  it('ignores an unreadable options header instead of failing the request', () => {
    expect(readCallOptions(new Request('https://a.test', { headers: { [OPTIONS_HEADER]: '{nope' } }))).toBeUndefined();
  });
});

describe('page aborts', () => {
  it('aborts a tracked call by id, and one whose abort arrived before its fetch event', () => {
    const aborts = new PageAborts();
    const live = aborts.track('a', new AbortController().signal);
    aborts.abort('a');
    expect(live.aborted).toBe(true);
    aborts.abort('b');
    expect(aborts.track('b', new AbortController().signal).aborted).toBe(true);
    expect(aborts.track('c', new AbortController().signal).aborted).toBe(false);
  });

  it('follows the request\'s own signal too', () => {
    const request = new AbortController();
    const signal = new PageAborts().track('a', request.signal);
    request.abort();
    expect(signal.aborted).toBe(true);
  });
});
