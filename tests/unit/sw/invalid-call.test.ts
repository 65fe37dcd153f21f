// Invalid per-call options are refused before anything is sent, and the refusal carries its
// TypeError's message to the page (thrown in the worker it would arrive as "Failed to fetch").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OPTIONS_HEADER } from '../../../src/core/headers.js';
import { carriedError } from './carried-error.js';
import { fakeUpstream, freshDbName, startWorker } from './fake-worker.js';

afterEach(() => void vi.unstubAllGlobals());

describe('invalid per-call options in the worker', () => {
  it('answer with the message, send nothing', async () => {
    const sent = fakeUpstream();
    const worker = startWorker({ stateDbName: freshDbName() });
    const response = await worker.fetch(new Request('https://api.test/a', { headers: { [OPTIONS_HEADER]: JSON.stringify({ retries: -1, abortId: 'x' }) } }));
    expect(response?.status).toBe(400);
    expect(carriedError(response)).toEqual({ name: 'TypeError', message: 'resilience.retries must be an integer >= 0, got -1' });
    expect(sent).toEqual([]);
    const fine = await worker.fetch(new Request('https://api.test/a', { headers: { [OPTIONS_HEADER]: JSON.stringify({ retries: 1 }) } }));
    expect(carriedError(fine)).toBeUndefined();
    expect(sent).toHaveLength(1);
  });
});
