/**
 * The page side of the scorecard, exposed on `window.scorecard`: sets up one client (named in
 * the page's `?client=` query) and plays the seeded schedule through it on the wall clock shared
 * with the upstream, recording what the app got back for every call.
 */
import type { ScheduledCall } from '../scenario.js';
import type { ClientAnswer, ScorecardClient } from './client.js';
import { classify, type CallRecord } from '../outcome.js';

const CLIENTS: Record<string, () => Promise<ScorecardClient>> = {
  fetch: async () => (await import('./clients/plain-fetch.js')).plainFetch,
  ky: async () => (await import('./clients/ky.js')).kyClient,
  workbox: async () => (await import('./clients/workbox.js')).workboxClient,
  cockatiel: async () => (await import('./clients/cockatiel.js')).cockatielClient,
  tanstack: async () => (await import('./clients/tanstack.js')).tanstackClient,
  ours: async () => (await import('./clients/ours.js')).oursClient,
};

let client: ScorecardClient | undefined;

function requestInit(call: ScheduledCall): RequestInit {
  const headers: Record<string, string> = { 'X-Call-Id': String(call.id) };
  if (call.kind === 'get') return { method: 'GET', headers };
  headers['Content-Type'] = 'application/json';
  if (call.kind === 'keyed-post') headers['Idempotency-Key'] = `order-${call.id}`;
  return { method: 'POST', headers, body: JSON.stringify({ call: call.id, item: call.id % 7 }) };
}

async function play(call: ScheduledCall, t0: number): Promise<CallRecord> {
  let answer: ClientAnswer | undefined;
  let error: string | undefined;
  try {
    answer = await client!.call(call, requestInit(call));
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return classify(call, Date.now() - t0, answer, error);
}

const scorecard = {
  async setup(name: string): Promise<void> {
    const load = CLIENTS[name];
    if (!load) throw new Error(`unknown client ${name}`);
    client = await load();
    await client.setup();
  },

  /**
   * Makes every call at `t0 + atMs` (t0 is Date.now() on the same machine as the upstream) and
   * resolves with one record per call once all have settled or `giveUpAt` has passed; a call
   * still pending then is recorded unsettled.
   */
  run(t0: number, calls: ScheduledCall[], giveUpAt: number): Promise<CallRecord[]> {
    const records: (CallRecord | undefined)[] = calls.map(() => undefined);
    let pending = calls.length;
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(giveUp);
        resolve(calls.map((c, i) => records[i] ?? classify(c, null, undefined, 'unsettled')));
      };
      const giveUp = setTimeout(finish, Math.max(0, giveUpAt - Date.now()));
      calls.forEach((call, i) => {
        setTimeout(() => {
          void play(call, t0).then((r) => {
            records[i] = r;
            if (--pending === 0) finish();
          });
        }, Math.max(0, t0 + call.atMs - Date.now()));
      });
    });
  },
};

declare global {
  interface Window {
    scorecard: typeof scorecard;
  }
}
window.scorecard = scorecard;
