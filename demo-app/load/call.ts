/** One call through resilientFetch, reduced to what the dashboard shows. Never throws. */
import { describeResponse, resilientFetch } from '../../src/index.js';
import { classifyResponse, type CallResult } from '../model/outcomes.js';

export async function call(url: string, init: RequestInit = {}): Promise<CallResult> {
  const method = (init.method ?? 'GET').toUpperCase();
  const origin = new URL(url).origin;
  const started = performance.now();
  try {
    const res = await resilientFetch(url, init);
    await res.arrayBuffer();
    const meta = describeResponse(res);
    return {
      origin,
      method,
      url,
      outcome: classifyResponse(res.status, meta),
      status: res.status,
      ...(meta.reason !== undefined ? { reason: meta.reason } : {}),
      attempts: meta.attempts,
      ...(meta.traceId !== undefined ? { traceId: meta.traceId } : {}),
      ms: performance.now() - started,
      at: Date.now(),
    };
  } catch (error) {
    // fetch's own failure (a network error after the attempts ran out, no stored copy).
    return {
      origin,
      method,
      url,
      outcome: 'failed',
      reason: error instanceof Error ? error.name : 'Error',
      attempts: 0,
      ms: performance.now() - started,
      at: Date.now(),
    };
  }
}
