/// <reference lib="webworker" />
import type { PolicyConfig, ResilienceEvent } from '../../core/types.js';
import type { OutboxEvent, OutboxListing } from './entry.js';
import { Outbox, type OutboxOptions, type Send } from './outbox.js';
import type { ReplayTrigger } from './replay.js';
import { OutboxStore } from './store.js';

/** The Background Sync tag the outbox registers when it queues (Chromium only, today). */
export const SYNC_TAG = 'resilient-fetch-outbox';

export interface WorkerOutboxOptions {
  /** The worker's global scope: its `sync` and `online` events, its registration. */
  scope: ServiceWorkerGlobalScope;
  /** Sends a write through the resilience pipeline (the worker's engine). */
  engine: Send;
  policy(): PolicyConfig | undefined;
  partition(): string | null;
  /** Resolves once the worker's saved config is applied (the partition may change with it). */
  ready: Promise<void>;
  broadcast(event: OutboxEvent): void;
  /** Where isolated failures of ours go (the worker's event stream). */
  onEvent(event: ResilienceEvent): void;
  /**
   * Where the worker traces: reads the original call's trace context, so replay spans join its
   * trace. Given by the tracing setup, so a worker that does not trace ships no OpenTelemetry.
   * (none: replays are not traced)
   */
  traceContext?: OutboxOptions['traceContext'];
  /**
   * Sends out what replays left for later: their spans, the engine's state writes, and the
   * events the worker posts a task later (broadcasts, log lines). Awaited under the waitUntil of
   * the event that asked for the replay. Never rejects. (none)
   */
  afterReplay?(): Promise<void>;
  /** The outbox's IndexedDB database. (`resilient-fetch-outbox`) */
  dbName?: string;
}

/** What pages may ask of the outbox (the worker's `outbox` command). */
export type OutboxAction = { action: 'list' } | { action: 'flush' } | { action: 'clear'; partition?: string | null };

/**
 * The outbox as a worker runs it: its store, its triggers (`sync`, `online`, the worker
 * starting) and the page commands. The worker calls `outbox.fetch` instead of the engine.
 */
export interface WorkerOutbox {
  /** The engine's fetch with the outbox in front (see Outbox.fetch). */
  fetch: Outbox['fetch'];
  /** Replays and log writes started so far (for waitUntil). */
  settled(): Promise<void>;
  command(action: OutboxAction): Promise<OutboxListing>;
}

export function installOutbox(options: WorkerOutboxOptions): WorkerOutbox {
  const { scope } = options;
  const outbox = new Outbox({
    engine: options.engine,
    store: new OutboxStore(scope.indexedDB, options.dbName),
    ready: options.ready,
    policy: options.policy,
    partition: options.partition,
    report: options.broadcast,
    degraded: (message) => options.onEvent({ type: 'degraded', at: Date.now(), component: 'outbox', message }),
    ...(options.traceContext !== undefined ? { traceContext: options.traceContext } : {}),
    requestSync: async () => {
      const sync = (scope.registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync;
      await sync?.register(SYNC_TAG);
    },
  });

  /** A replay round, then what it left for later (its spans, its posts). */
  const replay = (trigger: ReplayTrigger) => outbox.replay(trigger).then(() => options.afterReplay?.());
  /** Every replay started so far, then what they left for later. */
  const settled = async () => {
    if (await outbox.settled()) await options.afterReplay?.();
  };

  scope.addEventListener('sync', (event) => {
    const e = event as ExtendableEvent & { tag?: string };
    if (e.tag !== SYNC_TAG) return;
    // Rejecting asks the browser to fire `sync` again later, on its own schedule.
    e.waitUntil(replay('sync').then(settled).then(async () => {
      if (await outbox.waiting()) throw new Error('resilient-fetch: outbox entries still wait');
    }));
  });
  // `online` and a restarted worker have no event to extend. Both replays are tracked, so the
  // waitUntil of any event handled while they run covers them and what they post: the event that
  // started the worker, and the flush every page with a registerResilience handle sends when it
  // sees the device come online (outbox-handle.ts). A replay the browser still cuts short loses
  // no write: an entry is removed only after its answer, and is sent again with the same key.
  scope.addEventListener('online', () => void replay('online'));
  // A new version's script runs while the old worker is still active: two workers draining one
  // queue send the same write twice at once. It replays once it takes over, under `activate`;
  // a restarted active worker (or one whose scope does not say its state) replays now.
  const state = (scope.serviceWorker as ServiceWorker | undefined)?.state;
  if (state === undefined || state === 'activated') void replay('start');
  else scope.addEventListener('activate', (event) => event.waitUntil(replay('start')));

  return {
    fetch: (request, init, trace) => outbox.fetch(request, init, trace),
    settled,
    async command(action) {
      await options.ready;
      if (action.action === 'flush') await replay('flush');
      if (action.action === 'clear') await outbox.clear('partition' in action ? action.partition : undefined); // null: the unpartitioned entries
      return outbox.list();
    },
  };
}
