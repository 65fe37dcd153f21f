import type { ResilientRequestInit } from '../core/types.js';
import { isOurWorker } from './handshake.js';
import { loadPageEngine } from './page-engine-loader.js';
import { viaWorker } from './via-worker.js';

/**
 * `fetch` with resilience. Through the worker when ours controls the page (it answered the
 * handshake); otherwise the same engine, loaded on demand, runs right here.
 */
export async function resilientFetch(input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response> {
  const worker = globalThis.navigator?.serviceWorker?.controller; // none outside a browser (Node)
  if (worker && (await isOurWorker(worker))) return viaWorker(worker, input, init);
  return (await loadPageEngine())(input, init);
}
