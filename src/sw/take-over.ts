/**
 * When the worker's saved state and the pages' settings are in force. A new version's script
 * runs when it installs, while the old worker still serves and saves, and it may take over much
 * later (an "update ready" prompt, the last old tab closing while it still runs): what it read
 * at install was stale by then. Measured: v1 tripped a breaker after v2 installed, and v2, once
 * in control, sent calls to the failing origin again; settings sent with `configure()` and the
 * cache partition (who is signed in) were as stale (tests/e2e/lifecycle.spec.ts). So a worker
 * that starts before it is active reads them again as it activates, under the activate event;
 * it has served no call yet (fetch events go to the active worker only), so nothing it learnt
 * is lost.
 */
export function readyOnTakeOver(scope: ServiceWorkerGlobalScope, restored: Promise<void>, reread: () => Promise<void>): Promise<void> {
  return rereadOnTakeOver(scope, () => restored.then(reread)) ?? restored;
}

/**
 * Runs `reread` under the activate event when this worker's script ran before it was active (a
 * new version, installing or waiting), and resolves with it; undefined for a worker restarted
 * while active (or a scope that does not say), where what it read at start is current. The
 * Workbox strategy uses it alone: its engine holds calls until `reload()` has read the state.
 */
export function rereadOnTakeOver(scope: Pick<ServiceWorkerGlobalScope, 'addEventListener'>, reread: () => Promise<void>): Promise<void> | undefined {
  const state = ((scope as { serviceWorker?: ServiceWorker }).serviceWorker)?.state;
  if (state === undefined || state === 'activating' || state === 'activated') return undefined;
  return new Promise((resolve) => {
    scope.addEventListener(
      'activate',
      (event) => {
        const done = reread();
        event.waitUntil(done);
        resolve(done);
      },
      { once: true },
    );
  });
}
