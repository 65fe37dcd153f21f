import { afterEach, describe, expect, it } from 'vitest';
import { createResilientFetch, describeResponse } from '../../../src/core/index.js';
import { parseHttpDate } from '../../../src/core/http-date.js';
import { parseList, rateLimitDelayMs } from '../../../src/core/rate-limit-headers.js';
import { serverDelayMs } from '../../../src/core/server-delay.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

/** Sunday 29 November 2026, 10:00:00 UTC. */
const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const delay = (fields: Record<string, string>, now = NOW) => serverDelayMs(new Headers(fields), now);

describe('Retry-After as an HTTP-date (RFC 9110 §5.6.7), always GMT', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('reads the three formats as the same instant', () => {
    expect(delay({ 'Retry-After': 'Sun, 29 Nov 2026 10:00:05 GMT' })).toBe(5_000);
    expect(delay({ 'Retry-After': 'Sunday, 29-Nov-26 10:00:05 GMT' })).toBe(5_000);
    expect(delay({ 'Retry-After': 'Sun Nov 29 10:00:05 2026' })).toBe(5_000);
    expect(delay({ 'Retry-After': 'Tue Dec  1 10:00:00 2026' })).toBe(2 * 86_400_000);
  });

  it('reads an asctime date as GMT in any local time zone', () => {
    // Date.parse reads asctime as local time: in New York this was 5 h + 5 s.
    process.env.TZ = 'America/New_York';
    expect(new Date(NOW).getHours()).toBe(5); // the zone really is in force in this process
    expect(delay({ 'Retry-After': 'Sun Nov 29 10:00:05 2026' })).toBe(5_000);
    process.env.TZ = 'Asia/Kolkata'; // ahead of GMT: Date.parse made this a date in the past (0)
    expect(delay({ 'Retry-After': 'Sun Nov 29 10:00:05 2026' })).toBe(5_000);
  });

  it('takes a leap second as the instant after :59', () => {
    expect(delay({ 'Retry-After': 'Sun, 29 Nov 2026 10:00:60 GMT' })).toBe(60_000);
    expect(delay({ 'Retry-After': 'Sunday, 29-Nov-26 10:00:60 GMT' })).toBe(60_000);
    expect(delay({ 'Retry-After': 'Sun Nov 29 10:00:60 2026' })).toBe(60_000);
    expect(parseHttpDate('Thu, 31 Dec 2026 23:59:60 GMT', NOW)).toBe(Date.UTC(2027, 0, 1));
  });

  it('reads an RFC 850 two-digit year as at most 50 years ahead, else the century before', () => {
    // Date.parse puts 50–99 in the 1900s: 2070 became 1970, a wait of 0 instead of 44 years.
    expect(delay({ 'Retry-After': 'Thursday, 01-Jan-70 00:00:00 GMT' })).toBe(Date.UTC(2070, 0, 1) - NOW);
    expect(parseHttpDate('Sunday, 29-Nov-76 10:00:00 GMT', NOW)).toBe(Date.UTC(2076, 10, 29, 10)); // exactly 50 years ahead
    expect(parseHttpDate('Sunday, 29-Nov-76 10:00:01 GMT', NOW)).toBe(Date.UTC(1976, 10, 29, 10, 0, 1)); // a second more
    expect(parseHttpDate('Friday, 31-Dec-99 23:59:59 GMT', NOW)).toBe(Date.UTC(1999, 11, 31, 23, 59, 59));
    expect(parseHttpDate('Saturday, 01-Jan-05 00:00:00 GMT', Date.UTC(2095, 5, 1))).toBe(Date.UTC(2105, 0, 1)); // next century when near
    expect(parseHttpDate('Tuesday, 29-Feb-00 12:00:00 GMT', NOW)).toBe(Date.UTC(2000, 1, 29, 12)); // 2000 had one; 2100 will not
  });

  it.each([
    ['an ISO 8601 date', '2026-11-29T10:00:05Z'],
    ['another zone', 'Sun, 29 Nov 2026 10:00:05 PST'],
    ['a day the month lacks', 'Mon, 31 Nov 2026 10:00:05 GMT'],
    ['29 February in a common year', 'Sat, 29 Feb 2025 10:00:05 GMT'],
    ['hour 24', 'Sun, 29 Nov 2026 24:00:00 GMT'],
    ['second 61', 'Sun, 29 Nov 2026 10:00:61 GMT'],
    ['a one-digit day in IMF-fixdate', 'Sun, 9 Nov 2026 10:00:05 GMT'],
    ['lower case', 'sun, 29 nov 2026 10:00:05 gmt'],
    ['words', 'soon'],
    ['a negative delay', '-5'],
    ['a fractional delay', '1.5'],
    ['seconds with a unit', '10 seconds'],
  ])('ignores %s (%s): our own backoff applies', (_what, value) => {
    expect(delay({ 'Retry-After': value })).toBeUndefined();
  });

  it('treats a date in the past as no wait', () => {
    expect(delay({ 'Retry-After': 'Sun, 29 Nov 2026 09:59:00 GMT' })).toBe(0);
  });
});

describe('rate-limit fields', () => {
  it('waits for RateLimit only when a quota is used up (r=0)', () => {
    expect(delay({ RateLimit: '"default";r=0;t=10' })).toBe(10_000);
    expect(delay({ RateLimit: '"default";r=3;t=10' })).toBeUndefined();
    expect(delay({ RateLimit: '"burst";r=0;t=2, "day";r=0;t=30, "hour";r=9;t=600' })).toBe(30_000); // quota under every policy
  });

  it("falls back to the policy's window when r=0 gives no reset", () => {
    expect(delay({ RateLimit: '"day";r=0', 'RateLimit-Policy': '"burst";q=10;w=1, "day";q=1000;w=60' })).toBe(60_000);
    expect(delay({ RateLimit: '"day";r=0' })).toBeUndefined();
  });

  it('reads fields carrying a partition key (pk, a byte sequence) and the other parameter types of RFC 9651', () => {
    // draft-ietf-httpapi-ratelimit-headers-08 onwards: "pk" is a Byte Sequence on both fields.
    expect(delay({ RateLimit: '"default";r=0;t=10;pk=:dXNlcjE=:' })).toBe(10_000);
    expect(delay({ RateLimit: '"day";r=0;pk=:dXNlcjE=:', 'RateLimit-Policy': '"day";q=1000;w=60;pk=:dXNlcjE=:' })).toBe(60_000);
    expect(delay({ RateLimit: '"default";r=0;t=10;at=@1659578233;note=%"caf%c3%a9"' })).toBe(10_000); // a Date, a Display String
    expect(delay({ RateLimit: '"default";r=0;t=10;pk=:not base64!:' })).toBeUndefined(); // not a Byte Sequence: the field is ignored
  });

  it('reads the older RateLimit-Reset and X-RateLimit-Reset only when nothing remains', () => {
    expect(delay({ 'RateLimit-Reset': '7' })).toBe(7_000);
    expect(delay({ 'RateLimit-Reset': '7', 'RateLimit-Remaining': '0' })).toBe(7_000);
    expect(delay({ 'RateLimit-Reset': '7', 'RateLimit-Remaining': '12' })).toBeUndefined();
    expect(delay({ 'X-RateLimit-Reset': '4' })).toBe(4_000);
    expect(delay({ 'X-RateLimit-Reset': '4', 'X-RateLimit-Remaining': '4999' })).toBeUndefined();
    expect(delay({ 'X-Rate-Limit-Reset': '3' })).toBe(3_000);
  });

  it('reads an X-RateLimit-Reset near the current epoch as a timestamp', () => {
    const epoch = (ms: number) => String(Math.floor(ms / 1000));
    expect(delay({ 'X-RateLimit-Reset': epoch(NOW + 12_000), 'X-RateLimit-Remaining': '0' })).toBe(12_000);
    expect(delay({ 'X-RateLimit-Reset': epoch(NOW - 5_000) })).toBe(0); // a reset already past (our clock is ahead)
    expect(delay({ 'RateLimit-Reset': epoch(NOW + 3_000) })).toBe(3_000);
  });

  it('follows the precedence Retry-After, RateLimit, RateLimit-Reset, X-RateLimit-Reset', () => {
    const all = { 'Retry-After': '1', RateLimit: '"d";r=0;t=2', 'RateLimit-Reset': '3', 'X-RateLimit-Reset': '4' };
    expect(delay(all)).toBe(1_000);
    expect(delay({ ...all, 'Retry-After': 'later' })).toBe(2_000); // unreadable: the next one speaks
    expect(delay({ ...all, 'Retry-After': 'later', RateLimit: '"d";r=5;t=2' })).toBeUndefined(); // quota left: no wait
    expect(delay({ ...all, 'Retry-After': 'later', RateLimit: 'r=0;;t' })).toBe(3_000); // not a structured field: ignored
    expect(delay({ 'RateLimit-Reset': '3', 'X-RateLimit-Reset': '4' })).toBe(3_000);
  });

  it('parses structured-field lists strictly', () => {
    expect(parseList('"default";r=0;t=10')).toEqual([{ value: 'default', params: new Map<string, unknown>([['r', 0], ['t', 10]]) }]);
    expect(parseList('a;x, "b" ;y=?0')).toBeUndefined(); // no space before a parameter
    expect(parseList('a;x,  "b";y=?0;z="q\\"s"')?.map((i) => [i.value, [...i.params]])).toEqual([
      ['a', [['x', true]]],
      ['b', [['y', false], ['z', 'q"s']]],
    ]);
    for (const bad of ['a,', ',a', '"open', 'a;R=1', 'a;r=1x', '(a b)']) expect(parseList(bad), bad).toBeUndefined();
    expect(rateLimitDelayMs(new Headers({ RateLimit: '"d";r=0;t=1.5' }), NOW)).toBeUndefined(); // t is whole seconds
  });
});

describe('the engine honours the rate-limit fields', () => {
  it('pauses the origin for the reset a 429 gives in RateLimit', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 429, headers: { RateLimit: '"default";r=0;t=2' } }, { status: 200 });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { defaults: { retry: { maxRetries: 0 } } } });
    await rf(`${A}/1`);
    const paused = await rf(`${A}/2`);
    expect(describeResponse(paused)).toMatchObject({ source: 'synthetic', reason: 'paused' });
    expect(paused.headers.get('Retry-After')).toBe('2');
    await clock.advance(2_000);
    expect((await rf(`${A}/3`)).status).toBe(200);
    expect(transport.count()).toBe(2);
  });

  it('does not pause for a 503 that says quota remains', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport(clock).sequence({ status: 503, headers: { 'X-RateLimit-Reset': '3600', 'X-RateLimit-Remaining': '4999' } }, { status: 200 });
    const rf = createResilientFetch({ fetch: transport.fetch, clock, policy: { defaults: { retry: { maxRetries: 0 } } } });
    await rf(`${A}/1`);
    expect((await rf(`${A}/2`)).status).toBe(200);
  });
});
