/**
 * Reads the worker's live policy. The worker's `snapshot` reply carries it (`Reply.config`), but
 * the public handle's `state()` returns only the origins, so the demo asks with the client's
 * own messaging helper. (Reported as a gap in the page API: a handle.config() would do.)
 */
import { sendCommand, unwrap } from '../src/client/messaging.js';
import type { PolicyConfig } from '../src/index.js';

export async function readLivePolicy(): Promise<PolicyConfig | undefined> {
  const worker = navigator.serviceWorker?.controller;
  if (!worker) return undefined;
  return unwrap(await sendCommand(worker, { type: 'snapshot' })).config?.policy;
}
