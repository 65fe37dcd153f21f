/**
 * IndexedDB with promises, as idb's `wrap` gives it (same rules, same types: IDBPDatabase and
 * friends), limited to what this library uses. idb's build, whose module runs code on load and
 * so is bundled whole, was 0.97 KB gz of the worker and of the in-page engine; this is about a
 * third of that.
 *
 * - A request becomes a promise of its result (wrapped in turn), rejected with its error.
 * - A database, transaction, store, index or cursor becomes a proxy whose methods answer so.
 * - `tx.done` settles when the transaction completes (rejects with its error, or an AbortError),
 *   and is made when the transaction is, so a completion nobody awaited yet is not missed.
 * - `tx.store`: its only store (undefined when it spans several).
 * - `cursor.continue()` / `advance()` / `continuePrimaryKey()`: a promise of the cursor at its
 *   next position, or null at the end.
 * - `db.get(store, ...)`, `put`, `add`, `delete`, `clear`, `getKey`, `getAll`, `getAllKeys`,
 *   `count`: the store's method in a transaction of its own (a write resolves once committed).
 *
 * Not carried over from idb (nothing here uses them): the `*FromIndex` shortcuts, async
 * iteration of cursors, `openDB`/`deleteDB` (connection.ts opens with plain IndexedDB) and
 * `unwrap`.
 */

const proxies = new WeakMap<object, object>();
const transactionsDone = new WeakMap<IDBTransaction, Promise<void>>();
const READS = ['get', 'getKey', 'getAll', 'getAllKeys', 'count'];
const WRITES = ['put', 'add', 'delete', 'clear'];
const ADVANCES = ['advance', 'continue', 'continuePrimaryKey'];

type Target = Record<string | symbol, unknown>;

/** `value` with promises for requests (see above); anything else comes back as it is. */
export function promised(value: unknown): unknown {
  if (value instanceof IDBRequest) return answerOf(value);
  // Globals read here, not at load: a module that only imports this must load where IndexedDB is absent.
  if (![IDBDatabase, IDBTransaction, IDBObjectStore, IDBIndex, IDBCursor].some((type) => value instanceof type)) return value;
  let proxy = proxies.get(value as object);
  if (proxy === undefined) {
    if (value instanceof IDBTransaction) transactionsDone.set(value, doneOf(value));
    proxies.set(value as object, (proxy = new Proxy(value as Target, TRAPS)));
  }
  return proxy;
}

const TRAPS: ProxyHandler<Target> = {
  get(target, prop) {
    if (target instanceof IDBTransaction) {
      if (prop === 'done') return transactionsDone.get(target);
      if (prop === 'store') return target.objectStoreNames[1] ? undefined : promised(target.objectStore(target.objectStoreNames[0]!));
    }
    if (target instanceof IDBDatabase && typeof prop === 'string' && !(prop in target) && (READS.includes(prop) || WRITES.includes(prop))) {
      return (storeName: string, ...args: unknown[]) => inOwnTransaction(target, storeName, prop, args);
    }
    const value = target[prop];
    if (typeof value !== 'function') return promised(value);
    if (target instanceof IDBCursor && ADVANCES.includes(prop as string)) {
      return (...args: unknown[]) => {
        value.apply(target, args);
        return answerOf(target.request);
      };
    }
    // Called on the object itself: a native method called on its proxy throws "Illegal invocation".
    return (...args: unknown[]) => promised(value.apply(target, args));
  },
  set(target, prop, value) {
    target[prop] = value; // on the object itself, for the same reason (`tx.onabort = ...`)
    return true;
  },
};

async function inOwnTransaction(db: IDBDatabase, storeName: string, method: string, args: unknown[]): Promise<unknown> {
  const isWrite = WRITES.includes(method);
  const tx = promised(db.transaction(storeName, isWrite ? 'readwrite' : 'readonly')) as { store: Target; done: Promise<void> };
  return (await Promise.all([(tx.store[method] as (...a: unknown[]) => unknown)(...args), isWrite && tx.done]))[0];
}

/** One answer of `request` (a cursor's request answers once per step, so its listeners go after each). */
function answerOf(request: IDBRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const success = () => {
      unlisten();
      resolve(promised(request.result));
    };
    const error = () => {
      unlisten();
      reject(request.error);
    };
    const unlisten = () => {
      request.removeEventListener('success', success);
      request.removeEventListener('error', error);
    };
    request.addEventListener('success', success);
    request.addEventListener('error', error);
  });
}

function doneOf(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = () => reject(tx.error || new DOMException('AbortError', 'AbortError'));
    tx.addEventListener('complete', () => resolve());
    tx.addEventListener('error', fail);
    tx.addEventListener('abort', fail);
  });
}
