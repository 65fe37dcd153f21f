export { registerResilience, type RegisterOptions, type ResilienceHandle } from './register.js';
export { resilientFetch } from './resilient-fetch.js';
export { describeResponse, type ResponseDescription } from '../core/describe.js';
export { ResilienceError } from '../core/errors.js';
export type { Broadcast, ConfigUpdate, LiveConfig } from '../sw/protocol.js';
export type { CallOptions, OriginSnapshot, PolicyConfig, ResilienceEvent, ResilientRequestInit } from '../core/types.js';
export type { OutboxHandle } from './outbox-handle.js';
export type { OutboxEvent, OutboxListing } from '../sw/outbox/entry.js';
