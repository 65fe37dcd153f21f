import { ours, type ClientKind, type PolicyOverrides } from './clients.js';
import type { FleetConfig } from './fleet.js';
import { kindById } from './kinds.js';

/** A run to do, as main hands it to a worker: ids and plain config (functions cannot cross processes). */
export interface RunTask {
  scenarioId: string;
  /** A kind from kinds.ts, or `custom`: ours with `policy`. */
  kindId: string;
  policy?: PolicyOverrides;
  config: FleetConfig;
}

export function kindOf(task: RunTask): ClientKind {
  return task.kindId === 'custom' ? ours('custom', `ours, ${JSON.stringify(task.policy)}`, task.policy) : kindById(task.kindId);
}
