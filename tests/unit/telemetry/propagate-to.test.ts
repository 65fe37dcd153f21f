import { describe, expect, it } from 'vitest';
import { isExporterRequest, resolveEndpoint } from '../../../src/telemetry/exporter-endpoint.js';
import { assertPropagateTo, matchesPropagateTo } from '../../../src/telemetry/propagate-to.js';

describe('matchesPropagateTo', () => {
  it('a bare origin matches every URL of that origin, and only that origin', () => {
    const list = ['https://api.example.com'];
    expect(matchesPropagateTo('https://api.example.com/v1/items?x=1', list)).toBe(true);
    expect(matchesPropagateTo(new URL('https://api.example.com'), list)).toBe(true);
    expect(matchesPropagateTo('https://api.example.com:8443/', list)).toBe(false);
    expect(matchesPropagateTo('http://api.example.com/', list)).toBe(false);
    expect(matchesPropagateTo('https://evil.example.com/', list)).toBe(false);
    expect(matchesPropagateTo('https://api.example.com.evil.test/', list)).toBe(false);
  });

  it('an origin with a trailing slash means the whole origin too', () => {
    expect(matchesPropagateTo('https://a.test/anything', ['https://a.test/'])).toBe(true);
  });

  it('a URL with a path matches that path and below, at segment boundaries', () => {
    const list = ['https://a.test/v1'];
    expect(matchesPropagateTo('https://a.test/v1', list)).toBe(true);
    expect(matchesPropagateTo('https://a.test/v1/items', list)).toBe(true);
    expect(matchesPropagateTo('https://a.test/v1?q=1', list)).toBe(true);
    expect(matchesPropagateTo('https://a.test/v10', list)).toBe(false);
    expect(matchesPropagateTo('https://a.test/', list)).toBe(false);
    expect(matchesPropagateTo('https://a.test/v2/', ['https://a.test/v2/'])).toBe(true);
  });

  it('a RegExp is tested against the full URL, the same way every time even with /g', () => {
    const list = [/^https:\/\/[a-z]+\.internal\.test\//g];
    for (let i = 0; i < 3; i++) expect(matchesPropagateTo('https://billing.internal.test/x', list)).toBe(true);
    expect(matchesPropagateTo('https://internal.test/x', list)).toBe(false);
  });

  it('matches nothing for an empty list, an unparsable URL or an unusable entry; never throws', () => {
    expect(matchesPropagateTo('https://a.test/', [])).toBe(false);
    expect(matchesPropagateTo('/relative', ['https://a.test'])).toBe(false);
    expect(matchesPropagateTo('https://a.test/', ['not a url'])).toBe(false);
  });

  it('assertPropagateTo rejects strings that are not absolute http(s) URLs', () => {
    expect(() => assertPropagateTo(['https://a.test', /x/])).not.toThrow();
    expect(() => assertPropagateTo(['a.test'])).toThrow(TypeError);
    expect(() => assertPropagateTo(['ftp://a.test'])).toThrow(/propagateTo/);
  });
});

describe('OTLP endpoint', () => {
  it('isExporterRequest matches origin and path, ignoring query and hash', () => {
    const endpoint = 'https://collector.test/v1/traces';
    expect(isExporterRequest('https://collector.test/v1/traces', endpoint)).toBe(true);
    expect(isExporterRequest(new URL('https://collector.test/v1/traces?token=x'), endpoint)).toBe(true);
    expect(isExporterRequest('https://collector.test/v1/metrics', endpoint)).toBe(false);
    expect(isExporterRequest('https://api.test/v1/traces', endpoint)).toBe(false);
    expect(isExporterRequest('garbage', endpoint)).toBe(false);
  });

  it('resolveEndpoint refuses credentials in the URL (fetch refuses to send them: every export would fail) without echoing the password', () => {
    expect(() => resolveEndpoint('https://otel:s3cret@collector.test/v1/traces')).toThrow(TypeError);
    expect(() => resolveEndpoint('https://otel:s3cret@collector.test/v1/traces')).toThrow(/endpoint: "https:\/\/REDACTED:REDACTED@collector\.test\/v1\/traces" .*credentials/);
  });

  it('resolveEndpoint wants the full URL; relative ones need a location (none in Node)', () => {
    expect(resolveEndpoint('http://localhost:4318/v1/traces')).toBe('http://localhost:4318/v1/traces');
    expect(() => resolveEndpoint('/v1/traces')).toThrow(TypeError);
    expect(() => resolveEndpoint('ws://collector.test/v1/traces')).toThrow(TypeError);
  });
});
