/**
 * Writes made during an outage, delivered after recovery (goal 100%), and duplicates applied by
 * the server (goal 0 when it honours Idempotency-Key). The real engine and the real outbox over
 * fake-indexeddb, against a real HTTP server on 127.0.0.1 that fails, resets, and loses answers
 * after applying. Run: npm run bench:outbox [-- --writes 200 --seed 7]
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { createResilientFetch } from '../../src/core/create-resilient-fetch.js';
import { Outbox } from '../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../src/sw/outbox/store.js';
import { startIdempotentServer, type Fault, type IdempotentServer } from './idempotent-server.js';
import { runWorkboxQueue } from './workbox-queue.js';
import { seededRandom as seeded } from '../lib/seeded-random.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const WRITES = arg('writes', 200);
const SEED = arg('seed', 7);
/** Most recovery rounds before giving up (each round is one flush). */
const MAX_ROUNDS = 50;

/** During the outage: 40% 503, 20% reset before applying, 20% applied but the answer lost, 20% fine. */
function outage(server: IdempotentServer, random: () => number): void {
  server.setFault((): Fault => {
    const r = random();
    return r < 0.4 ? '503' : r < 0.6 ? 'reset' : r < 0.8 ? 'lost-answer' : 'none';
  });
}

/** Writes applied, counted by each write's own number (Workbox sends no Idempotency-Key to count by). */
function appliedWrites(server: IdempotentServer): { delivered: number; duplicates: number; inOrder: boolean } {
  const numbers = server.order.map((body) => (JSON.parse(body) as { n: number }).n);
  const distinct = new Set(numbers);
  return { delivered: distinct.size, duplicates: numbers.length - distinct.size, inOrder: numbers.every((n, i) => i === 0 || n > numbers[i - 1]!) };
}

async function workboxScenario() {
  const random = seeded(SEED);
  const server = await startIdempotentServer(true);
  outage(server, random);
  const run = await runWorkboxQueue(server, WRITES, () => undefined, () => server.setFault(() => 'none'), MAX_ROUNDS);
  const applied = appliedWrites(server);
  const result = { ...run, ...applied, requests: server.received };
  await server.close();
  return result;
}

async function scenario(honourKeys: boolean) {
  const random = seeded(SEED);
  const server = await startIdempotentServer(honourKeys);
  outage(server, random);
  const rf = createResilientFetch({
    random,
    isOnline: () => true,
    policy: { defaults: { timeoutMs: 2_000, retry: { baseDelayMs: 2, maxDelayMs: 10 }, breaker: { openMs: 50, maxOpenMs: 200 } } },
  });
  const outbox = new Outbox({ engine: rf, store: new OutboxStore(new IDBFactory()), policy: () => ({ defaults: { outbox: { maxEntries: WRITES } as never } }), partition: () => null, random });
  let direct = 0;
  let queued = 0;
  let other = 0;
  for (let i = 0; i < WRITES; i++) {
    const res = await outbox.fetch(new Request(`${server.url}/notes`, { method: 'POST', body: JSON.stringify({ n: i }) }), {});
    if (res.status === 202) queued++;
    else if (res.ok) direct++;
    else other++;
    await res.arrayBuffer();
    if (i % 10 === 9) await outbox.replay('flush'); // replays under the same faults
  }
  server.setFault(() => 'none'); // recovery
  let rounds = 0;
  while ((await outbox.list()).entries.length > 0 && rounds < MAX_ROUNDS) {
    rounds++;
    await new Promise((r) => setTimeout(r, 60)); // past an open breaker
    await outbox.replay('flush');
  }
  const { entries, log } = await outbox.list();
  const keysApplied = server.applied.size;
  const duplicates = [...server.applied.values()].reduce((sum, n) => sum + n - 1, 0);
  const numbers = server.order.map((body) => (JSON.parse(body) as { n: number }).n);
  const inOrder = numbers.every((n, i) => i === 0 || n > numbers[i - 1]!);
  await server.close();
  return { honourKeys, writes: WRITES, direct, queued, other, left: entries.length, failed: log.filter((e) => e.kind === 'failed').length, delivered: keysApplied, deliveredPct: (100 * keysApplied) / WRITES, duplicatesApplied: duplicates, deduplicatedByKey: server.deduplicated, requests: server.received, recoveryRounds: rounds, inOrder };
}

const results = [await scenario(true), await scenario(false)];
const workbox = await workboxScenario();
console.log(`outbox under an outage: ${WRITES} writes, seed ${SEED} (faults during the outage: 40% 503, 20% reset, 20% answer lost after applying)`);
console.table(results.map((r) => ({
  server: r.honourKeys ? 'honours Idempotency-Key' : 'ignores the key',
  'answered at once': r.direct,
  'queued (202)': r.queued,
  'delivered after recovery': `${r.delivered}/${r.writes} (${r.deliveredPct.toFixed(1)}%)`,
  'duplicates applied': r.duplicatesApplied,
  'replays deduplicated by key': r.deduplicatedByKey,
  'applied in order': r.inOrder,
  'left in outbox': r.left,
  'requests sent': r.requests,
})));
console.log('workbox-background-sync (Queue + replay on demand, as its BackgroundSyncPlugin does), same outage and server:');
console.table([{
  'answered at once': workbox.answeredAtOnce,
  'queued (network error)': workbox.queued,
  '5xx taken as answers (never queued)': workbox.lostAs5xx,
  'delivered after recovery': `${workbox.delivered}/${WRITES} (${((100 * workbox.delivered) / WRITES).toFixed(1)}%)`,
  'duplicates applied': workbox.duplicates,
  'applied in order': workbox.inOrder,
  'left in queue': workbox.left,
  'requests sent': workbox.requests,
}]);
