// `resilient-fetch/sw/outbox`: the worker's outbox, a separate import so a worker that never
// queues a write does not ship it. `installResilience({ outbox, policy: { defaults: { outbox: true } } })`.
import type { OutboxModule } from '../outbox-slot.js';
import { installOutbox } from './install.js';

/** Keeps writes that cannot be delivered now in IndexedDB and replays them; pass it to `installResilience`. */
export const outbox: OutboxModule = installOutbox;
export type { OutboxEvent, OutboxListing } from './entry.js';
