import { ATTEMPTS, OUTBOX_ID, REASON, SOURCE } from '../../core/headers.js';
import type { OutboxEntry, OutboxRefusal } from './entry.js';

/** On a failure the outbox could not keep: why (full, too-large, quota-exceeded, storage-error). */
export const OUTBOX_REFUSED = 'X-Resilience-Outbox-Refused';

/** What the caller gets for a write the outbox kept: 202, where it went, and its id. */
export function acceptedResponse(entry: OutboxEntry): Response {
  return new Response(null, {
    status: 202,
    statusText: 'Accepted',
    headers: {
      'Cache-Control': 'no-store',
      [SOURCE]: 'outbox',
      [REASON]: 'queued',
      [ATTEMPTS]: String(entry.attempts),
      [OUTBOX_ID]: entry.id,
      'Idempotency-Key': entry.idempotencyKey,
    },
  });
}

/**
 * The original failure, marked with why the outbox did not keep it. A thrown failure becomes a
 * TypeError whose message says both (fetch's contract: a network failure is a TypeError).
 */
export function refusedOutcome(outcome: Response | Error | undefined, cause: OutboxRefusal, url: string): Response {
  if (outcome instanceof Response) {
    const headers = new Headers(outcome.headers);
    headers.set(OUTBOX_REFUSED, cause);
    return new Response(outcome.body, { status: outcome.status, statusText: outcome.statusText, headers });
  }
  const why = `the outbox could not keep it (${cause})`;
  if (outcome instanceof Error) throw new TypeError(`${outcome.message}; ${why}`, { cause: outcome });
  // Queued behind older writes without being sent: nothing was tried, say so like a local refusal.
  return new Response(null, {
    status: 503,
    statusText: 'Service Unavailable',
    headers: { 'Cache-Control': 'no-store', [SOURCE]: 'synthetic', [REASON]: 'queue-full', [OUTBOX_REFUSED]: cause, 'X-Resilience-Explanation': `${url}: older writes wait in the outbox and ${why}` },
  });
}
