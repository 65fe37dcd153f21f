export { installResilience } from './install-resilience.js';
export type { InstalledResilience, ResilienceConfig, WorkerTelemetry } from './resilience-config.js';
export type { OutboxModule } from './outbox-slot.js';
export { IdbStateStore } from './idb-state-store.js';
export { STATE_CHANNEL, type Broadcast, type Command, type ConfigUpdate, type LiveConfig, type Reply } from './protocol.js';
export type { Matcher, RouteOptions } from './routing.js';
