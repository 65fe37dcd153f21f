import { ours, type PolicyOverrides } from './clients.js';
import { runFleet, type FleetConfig } from './fleet.js';
import { kindById } from './kinds.js';
import { scenarioById } from './scenarios.js';

/** A run to do, as main sends it: ids and plain config (functions cannot cross processes). */
export interface RunTask {
  scenarioId: string;
  /** A kind from kinds.ts, or `custom`: ours with `policy`. */
  kindId: string;
  policy?: PolicyOverrides;
  config: FleetConfig;
}

export function kindOf(task: RunTask) {
  return task.kindId === 'custom' ? ours('custom', `ours, ${JSON.stringify(task.policy)}`, task.policy) : kindById(task.kindId);
}

/** A child process of main: runs one task per message and sends back its data. */
process.on('message', (task: RunTask) => {
  runFleet(scenarioById(task.scenarioId), kindOf(task), task.config).then(
    (data) => process.send?.(data),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
