import type { ScheduledCall } from '../scenario.js';

/** What a client's call came back with, as the app would see it. A throw is a failed call. */
export interface ClientAnswer {
  status: number;
  /** The JSON body, when there is one: the upstream's 2xx bodies name the call they answered. */
  body: unknown;
  /**
   * Where the data came from, when the client knows better than the body can tell: TanStack
   * Query shares one in-flight fetch between observers (a fresh answer naming another call) and
   * keeps the last good data on a failed fetch (a stale copy).
   */
  origin?: 'network' | 'copy';
  /** Shown in the raw results, e.g. our X-Resilience-Source/Reason. */
  detail?: string;
}

/** One contender, as the page uses it: set up once in a fresh browser context, then called. */
export interface ScorecardClient {
  setup(): Promise<void>;
  call(call: ScheduledCall, init: RequestInit): Promise<ClientAnswer>;
}

/** Reads a JSON body if there is one; a failed read is no body, not a failed call. */
export async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

/** A status error carrying the response, for clients whose request function must throw on non-2xx. */
export class StatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** Waits until a service worker controls the page (after registering one that claims clients). */
export async function controlled(): Promise<void> {
  if (navigator.serviceWorker.controller) return;
  await new Promise<void>((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }));
}
