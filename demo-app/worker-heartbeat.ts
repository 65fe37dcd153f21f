/** The demo's own page ↔ worker channel: "which worker instance is running right now?". */
export const WORKER_CHANNEL = 'resilient-fetch-demo:worker';

export interface WorkerHeartbeat {
  type: 'alive';
  /** Random per worker start: a new value means the browser started the worker again. */
  instance: string;
  startedAt: number;
}

export type WorkerPing = { type: 'ping' };
