/**
 * The chaos upstream's control API (`/__chaos`, CORS enabled). Plain fetch: the demo worker leaves
 * these routes alone, so they work while the breaker for that origin is open.
 */
import type { ChaosFaults, ChaosStats } from '../server/chaos-upstream.js';

export type { ChaosFaults, ChaosStats } from '../server/chaos-upstream.js';

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
  return body;
}

export async function getFaults(upstream: string): Promise<ChaosFaults> {
  return json<ChaosFaults>(await fetch(`${upstream}/__chaos`, { cache: 'no-store' }));
}

/** Merges `partial` into the upstream's faults; rejects with the server's message on a bad field. */
export async function setFaults(upstream: string, partial: Partial<ChaosFaults>): Promise<ChaosFaults> {
  const res = await fetch(`${upstream}/__chaos`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(partial) });
  return json<ChaosFaults>(res);
}

export async function clearFaults(upstream: string): Promise<ChaosFaults> {
  return json<ChaosFaults>(await fetch(`${upstream}/__chaos`, { method: 'DELETE' }));
}

export async function getStats(upstream: string): Promise<ChaosStats> {
  return json<ChaosStats>(await fetch(`${upstream}/__chaos/stats`, { cache: 'no-store' }));
}
