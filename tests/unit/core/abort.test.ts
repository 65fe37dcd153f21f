// Audit: a caller's abort always settles the call and sends nothing it has not sent yet.
import { describe, expect, it } from 'vitest';
import { createResilientFetch } from '../../../src/core/index.js';
import { A, FakeClock, FakeTransport } from './fakes.js';

describe('a caller that aborts while its request body is being buffered', () => {
  for (const [name, make] of [
    ['a Request with a body', (signal: AbortSignal) => [new Request(`${A}/upload`, { method: 'PUT', body: 'payload', signal })] as const],
    ['a FormData body', (signal: AbortSignal) => {
      const form = new FormData();
      form.set('field', 'payload');
      return [`${A}/upload`, { method: 'PUT', body: form, signal }] as const;
    }],
  ] as const) {
    it(`(${name}) gets its AbortError and nothing is sent`, async () => {
      const clock = new FakeClock();
      const transport = new FakeTransport(clock);
      const rf = createResilientFetch({ fetch: transport.fetch, clock });
      const controller = new AbortController();
      const [input, init] = make(controller.signal) as unknown as [RequestInfo, RequestInit | undefined];
      const calling = rf(input, init);
      controller.abort(); // the body is still being read into a buffer
      await expect(calling).rejects.toMatchObject({ name: 'AbortError' });
      await clock.advance(60_000);
      expect(transport.count()).toBe(0);
      expect(rf.snapshot()[0]).toMatchObject({ inFlight: 0, queued: 0 });
    });
  }
});
