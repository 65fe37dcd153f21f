/**
 * Waits for `promise` at most `ms` and never rejects. Telemetry teardown runs on paths (worker
 * `waitUntil`, page unload) where a hang or a rejection would cost the app, and the data is only
 * diagnostic.
 */
export function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}
