import type { OutboxListing } from '../sw/outbox/entry.js';
import type { Command } from '../sw/protocol.js';
import { sendCommand, unwrap } from './messaging.js';

/** The page's view of the worker's outbox (every tab sees the same one). */
export interface OutboxHandle {
  /** Entries waiting, per-origin backoff and the recent events (queued, delivered, failed...). */
  list(): Promise<OutboxListing>;
  /** Replay now, past any backoff wait; resolves with what is left when the round is over. */
  flush(): Promise<OutboxListing>;
  /** Drop the entries of one partition (e.g. on sign-out; null: the unpartitioned ones), or all. */
  clear(partition?: string | null): Promise<OutboxListing>;
}

/**
 * The latest handle's flush, run when the page sees the device come back online. One listener per
 * page: an app that registers again (a hot reload, two components) had one per call, each sending
 * its own flush (2 for 2 calls in tests/e2e/lifecycle.spec.ts).
 */
let flushWhenOnline: (() => Promise<unknown>) | undefined;

/** Also asks for a replay when this page sees the device come back online (workers may not). */
export function outboxHandle(worker: () => ServiceWorker): OutboxHandle {
  const ask = async (command: Command) => unwrap(await sendCommand(worker(), command, 60_000)).outbox ?? { entries: [], origins: [], log: [] };
  // No addEventListener outside a browser (Node).
  if (flushWhenOnline === undefined) globalThis.addEventListener?.('online', () => void flushWhenOnline!().catch(() => undefined));
  const flush = (flushWhenOnline = () => ask({ type: 'outbox', action: 'flush' }));
  return {
    list: () => ask({ type: 'outbox', action: 'list' }),
    flush,
    // Left out or undefined, the worker reads the same: every partition (sw/outbox/install.ts).
    clear: (partition) => ask({ type: 'outbox', action: 'clear', partition }),
  };
}
