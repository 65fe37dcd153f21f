import { describe, expect, it } from 'vitest';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import { CONFLICT_PATIENCE_MS, firstSendVerdict, outboxPolicyFor, replayVerdict } from '../../../src/sw/outbox/decision.js';

const synthetic = (reason: string) => new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: reason } });
const network = (status: number) => new Response(null, { status });

describe('first send: keep the write, or give the caller the answer', () => {
  it.each(['offline', 'circuit-open', 'paused', 'queue-full', 'rate-limited', 'throttled', 'deadline'])('keeps a write refused locally (%s): nothing was sent', (reason) => {
    expect(firstSendVerdict(synthetic(reason))).toBe('keep');
  });
  it.each([500, 502, 503, 504, 408, 429])('keeps a write whose attempts ended with %i', (status) => {
    expect(firstSendVerdict(network(status))).toBe('keep');
  });
  it('keeps a write whose send failed on the network or timed out', () => {
    expect(firstSendVerdict(new TypeError('fetch failed'))).toBe('keep');
    expect(firstSendVerdict(new DOMException('slow', 'TimeoutError'))).toBe('keep');
  });
  it.each([200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 501])('answers %i to the caller (delivered, or refused by the server itself)', (status) => {
    expect(firstSendVerdict(network(status))).toBe('answer');
  });
  it("keeps a write that a stored copy or the app's fallback handler answered in the network's place", () => {
    expect(firstSendVerdict(new Response('ok', { headers: { [SOURCE]: 'fallback', [REASON]: 'network-error' } }))).toBe('keep');
  });
  it("does not keep a write the page aborted: that was the caller's choice", () => {
    expect(firstSendVerdict(new DOMException('aborted', 'AbortError'))).toBe('answer');
  });
});

describe('replay: delivered, failed for good, or kept', () => {
  it.each([200, 201, 204, 302])('%i delivers it', (status) => expect(replayVerdict(network(status), keyed, 0)).toBe('delivered'));
  const keyed = { headers: [['Idempotency-Key', '"k1"']] as [string, string][] };
  it.each([400, 404, 410, 422])('%i fails it for good (the server refused the write)', (status) => expect(replayVerdict(network(status), keyed, 0)).toBe('failed'));
  it('409 to a write with an Idempotency-Key keeps it (the same key still being processed), for CONFLICT_PATIENCE_MS since the first 409', () => {
    expect(replayVerdict(network(409), keyed, 5_000)).toBe('keep');
    expect(replayVerdict(network(409), { ...keyed, conflictSince: 5_000 }, 5_000 + CONFLICT_PATIENCE_MS - 1)).toBe('keep');
    expect(replayVerdict(network(409), { ...keyed, conflictSince: 5_000 }, 5_000 + CONFLICT_PATIENCE_MS)).toBe('failed');
  });
  it('409 to a write without an Idempotency-Key fails it for good: a conflict about the write itself', () => {
    expect(replayVerdict(network(409), { headers: [['Content-Type', 'text/plain']] }, 0)).toBe('failed');
    expect(replayVerdict(network(409), { headers: [['idempotency-key', '']] }, 0)).toBe('failed');
  });
  it.each([408, 429, 500, 503, 504])('%i keeps it', (status) => expect(replayVerdict(network(status), keyed, 0)).toBe('keep'));
  it("keeps it when the app's fallback handler answered 200 in the network's place", () => {
    expect(replayVerdict(new Response('ok', { headers: { [SOURCE]: 'fallback' } }), keyed, 0)).toBe('keep');
  });
  it('keeps it on a local refusal, a timeout and a network error', () => {
    expect(replayVerdict(synthetic('circuit-open'), keyed, 0)).toBe('keep');
    expect(replayVerdict(new DOMException('slow', 'TimeoutError'), keyed, 0)).toBe('keep');
    expect(replayVerdict(new TypeError('fetch failed'), keyed, 0)).toBe('keep');
  });
});

describe('which writes the outbox takes', () => {
  const origin = 'https://api.example.test';
  it('is off unless the call or the policy asks', () => {
    expect(outboxPolicyFor(undefined, origin, undefined)).toBe(false);
    expect(outboxPolicyFor({ origins: { 'https://other.test': { outbox: { maxEntries: 3 } as never } } }, origin, undefined)).toBe(false);
  });
  it('per call: true takes the defaults, false wins over the policy', () => {
    expect(outboxPolicyFor(undefined, origin, true)).toMatchObject({ methods: ['POST', 'PUT', 'PATCH', 'DELETE'], maxEntries: 500 });
    expect(outboxPolicyFor({ defaults: { outbox: { maxEntries: 3 } as never } }, origin, false)).toBe(false);
  });
  it("takes the origin's policy over the defaults, filling what it leaves out", () => {
    const policy = { defaults: { outbox: { maxEntries: 9 } as never }, origins: { [`${origin}/`]: { outbox: { methods: ['post'], maxAgeMs: 1000 } as never } } };
    expect(outboxPolicyFor(policy, origin, undefined)).toEqual({ methods: ['POST'], maxEntries: 500, maxBytes: 10_485_760, maxAgeMs: 1000 });
    expect(outboxPolicyFor(policy, 'https://else.test', undefined)).toMatchObject({ maxEntries: 9 });
  });
});
