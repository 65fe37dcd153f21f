export { Outbox, type OutboxOptions, type OriginalTrace, type Send } from './outbox.js';
export { OutboxStore, OUTBOX_DB_NAME } from './store.js';
export { OUTBOX_ID, OUTBOX_REFUSED } from './answers.js';
export type { OutboxEntry, OutboxEvent, OutboxListing, OutboxRefusal } from './entry.js';
export type { ReplayTrigger } from './replay.js';
