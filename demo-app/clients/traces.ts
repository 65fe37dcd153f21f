/** The embedded receiver's query API (`/api/traces`, CORS enabled): the latest traces, newest first. */
import type { ReceivedSpan, TraceSummary } from '../server/otlp-receiver.js';

export type { ReceivedSpan, TraceSummary } from '../server/otlp-receiver.js';

export async function latestTraces(receiverUrl: string, limit: number): Promise<TraceSummary[]> {
  const res = await fetch(`${receiverUrl}/api/traces?limit=${limit}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`the receiver answered ${res.status}`);
  return (await res.json()) as TraceSummary[];
}
