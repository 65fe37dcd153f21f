/**
 * Rejects with a message naming `what` if `promise` has not settled within `ms`: a page or a
 * browser that stops answering must not hold a benchmark or a test run. Plain timers, so it runs
 * in Node and in a page alike.
 */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
