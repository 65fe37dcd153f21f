import { fork } from 'node:child_process';
import type { RunData } from './fleet.js';
import type { RunTask } from './tasks.js';

/**
 * Runs the tasks on `jobs` child processes, longest first (each run is independent and seeded,
 * so where it runs changes no number). Results come back in the order of `tasks`.
 */
export async function runAll(tasks: RunTask[], jobs: number): Promise<RunData[]> {
  const queue = tasks.map((task, index) => ({ task, index })).sort((a, b) => cost(b.task) - cost(a.task));
  const results: RunData[] = new Array(tasks.length);
  const workerPath = new URL('./worker.ts', import.meta.url);
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      const child = fork(workerPath, [], { serialization: 'advanced', stdio: 'inherit' });
      try {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          const { task, index } = next;
          results[index] = await new Promise<RunData>((resolve, reject) => {
            const onExit = (code: number | null) => reject(new Error(`sim worker exited (${code}) during ${task.scenarioId}/${task.kindId}`));
            child.once('exit', onExit);
            child.once('message', (data) => {
              child.off('exit', onExit);
              resolve(data as RunData);
            });
            child.send(task);
          });
        }
      } finally {
        child.kill();
      }
    }),
  );
  return results;
}

/** A rough guess at a run's cost, for ordering: simulated clients × calls each; storms cost more. */
function cost(task: RunTask): number {
  const calls = task.config.fleetSize * task.config.sample * task.config.callsPerClientPerSecond;
  return calls * (task.kindId === 'naive3' ? 3 : 1);
}
