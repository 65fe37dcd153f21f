import { runFleet } from './fleet.js';
import { scenarioById } from './scenarios.js';
import { kindOf, type RunTask } from './tasks.js';

/** A child process of main (see pool.ts): runs one task per message and sends back its data. */
process.on('message', (task: RunTask) => {
  runFleet(scenarioById(task.scenarioId), kindOf(task), task.config).then(
    (data) => process.send?.(data),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
