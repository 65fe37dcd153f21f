import type { ResilientRequestInit } from '../core/types.js';
import { isOurWorker } from './handshake.js';
import { loadPageEngine } from './page-engine-loader.js';
import { viaWorker } from './via-worker.js';

/**
 * `fetch` with resilience. Through the worker when ours controls the page (it answered the
 * handshake); otherwise the same engine, loaded on demand, runs right here.
 */
export async function resilientFetch(input: RequestInfo | URL, init?: ResilientRequestInit): Promise<Response> {
  // Often the page's last call (pagehide): fetch sends it now (it ignores `resilience`), as the page
  // may be gone before our worker answers the handshake or the in-page engine loads (both lost it).
  if (init?.keepalive || (input as Request).keepalive) return fetch(input, init);
  const worker = globalThis.navigator?.serviceWorker?.controller; // none outside a browser (Node)
  if (worker && (await isOurWorker(worker))) return viaWorker(worker, input, init);
  return (await loadPageEngine())(input, init);
}
