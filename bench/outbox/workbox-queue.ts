/**
 * The same outage, handled the way workbox-background-sync handles it: a write goes out once with
 * plain fetch; if fetch throws (a network error) the request is pushed onto a Workbox `Queue`,
 * which replays it later. A 5xx answer is an answer to Workbox (workbox#2599): nothing is queued,
 * and a replay answered 5xx is dropped as delivered. Replays run on demand, as Workbox does on
 * each worker start where the Background Sync API is missing (Firefox, Safari, and Node here).
 */
import type { IdempotentServer } from './idempotent-server.js';

export interface WorkboxRun {
  answeredAtOnce: number;
  queued: number;
  lostAs5xx: number;
  left: number;
  rounds: number;
}

export async function runWorkboxQueue(server: IdempotentServer, writes: number, afterEach: (i: number) => void, recover: () => void, maxRounds: number): Promise<WorkboxRun> {
  // workbox-background-sync expects a service worker's globals; Node has none of the Sync API.
  Object.assign(globalThis, { self: globalThis, registration: {} });
  process.env.NODE_ENV = 'production'; // Workbox's development logging off, as in an app's build
  const { Queue } = await import('workbox-background-sync');
  const queue = new Queue(`bench-writes-${Date.now()}`);
  const run: WorkboxRun = { answeredAtOnce: 0, queued: 0, lostAs5xx: 0, left: 0, rounds: 0 };
  for (let i = 0; i < writes; i++) {
    const request = new Request(`${server.url}/notes`, { method: 'POST', body: JSON.stringify({ n: i }) });
    try {
      const res = await fetch(request.clone());
      if (res.ok) run.answeredAtOnce++;
      else run.lostAs5xx++; // BackgroundSyncPlugin's fetchDidFail fires only when fetch throws
      await res.arrayBuffer();
    } catch {
      await queue.pushRequest({ request });
      run.queued++;
    }
    afterEach(i);
    if (i % 10 === 9) await queue.replayRequests().catch(() => undefined); // a replay round under the same faults
  }
  recover();
  while ((await queue.size()) > 0 && run.rounds < maxRounds) {
    run.rounds++;
    await queue.replayRequests().catch(() => undefined);
  }
  run.left = await queue.size();
  return run;
}
