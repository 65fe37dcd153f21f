/** The part of an idb transaction that `inTransaction` needs, whatever its stores and mode. */
export interface Finishable {
  readonly done: Promise<void>;
  readonly error: DOMException | null;
  abort(): void;
}

/**
 * Runs `body` inside `tx` and resolves once the transaction has committed. On any failure the
 * transaction is aborted, so a half-done write (an entry deleted, its totals not yet updated)
 * never commits, and the error thrown is the transaction's own when it has one: a quota failure
 * surfaces as a plain AbortError on the request but as QuotaExceededError on the transaction.
 */
export async function inTransaction<T>(tx: Finishable, body: () => Promise<T>): Promise<T> {
  try {
    const result = await body();
    await tx.done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished (committed or aborted by the browser).
    }
    // Handled here so an aborted transaction never becomes an unhandled rejection.
    await tx.done.catch(() => undefined);
    throw tx.error ?? error;
  }
}
