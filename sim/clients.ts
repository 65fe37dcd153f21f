import { createResilientFetch, describeResponse, type DeepPartial, type OriginPolicy } from '../src/core/index.js';
import type { Outcome } from './metrics.js';
import type { VirtualTime } from './virtual-time.js';

/** What a client needs from the simulated world. */
export interface ClientWorld {
  transport: typeof fetch;
  time: VirtualTime;
  /** This client's own seeded stream (the engine's `random`). */
  random: () => number;
}

/** One call, as its user sees it ended. Never rejects. */
export type Caller = (url: string) => Promise<Outcome>;

/** A kind of client: how one simulated browser sends its calls. */
export interface ClientKind {
  /** Short id for tables and file names. */
  id: string;
  /** What it is, for the report. */
  label: string;
  create(world: ClientWorld): Caller;
}

/** Policy fields a variant overrides, over the engine's defaults. */
export type PolicyOverrides = DeepPartial<OriginPolicy>;

/**
 * Ours: the real engine, one instance per simulated browser, on the simulation's clock and
 * transport, with the given policy over the engine's defaults (none: the defaults as shipped).
 */
export function ours(id: string, label: string, policy: PolicyOverrides = {}): ClientKind {
  return {
    id,
    label,
    create({ transport, time, random }) {
      const resilientFetch = createResilientFetch({
        fetch: transport,
        clock: time,
        random,
        isOnline: () => true,
        policy: { defaults: policy },
      });
      return async (url) => {
        try {
          const response = await resilientFetch(url);
          if (response.status === 200) return 'fresh'; // no cache here: a 200 came from the backend
          return describeResponse(response).source === 'synthetic' ? 'rejected' : 'failed';
        } catch {
          return 'failed';
        }
      };
    },
  };
}

/** How a plain retrying client (ky and the like) behaves. */
export interface PlainRetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  /** Delay before retry `n` (1-based), in ms. */
  delayMs: (retry: number, random: () => number) => number;
  /** Whether a timed-out attempt is retried (ky: no; most hand-written loops: yes). */
  retryOnTimeout: boolean;
  /** Whether a 503/429 `Retry-After` replaces the backoff delay. */
  honourRetryAfter: boolean;
  timeoutMs: number;
  retryOnStatus: readonly number[];
}

/**
 * A client without breaker or budget: attempts with a timeout, retried on the listed statuses
 * and network errors. This is a model of the peer, not the peer itself: ky's timers run on the
 * real clock and cannot be put on virtual time.
 */
export function plainRetry(id: string, label: string, options: PlainRetryOptions): ClientKind {
  return {
    id,
    label,
    create({ transport, time, random }) {
      return async (url) => {
        for (let retry = 0; ; retry++) {
          const result = await attemptOnce(transport, time, url, options.timeoutMs);
          if (result.kind === 'ok') return 'fresh';
          const retryable =
            result.kind === 'status' ? options.retryOnStatus.includes(result.status) : result.kind === 'network-error' || options.retryOnTimeout;
          if (!retryable || retry >= options.retries) return 'failed';
          const asked = result.kind === 'status' && options.honourRetryAfter ? result.retryAfterMs : undefined;
          await sleep(time, asked ?? options.delayMs(retry + 1, random));
        }
      };
    },
  };
}

type AttemptResult =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfterMs: number | undefined }
  | { kind: 'timeout' | 'network-error' };

async function attemptOnce(transport: typeof fetch, time: VirtualTime, url: string, timeoutMs: number): Promise<AttemptResult> {
  const controller = new AbortController();
  const timer = time.setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  try {
    const response = await transport(url, { signal: controller.signal });
    if (response.ok) return { kind: 'ok' };
    const retryAfter = response.headers.get('retry-after');
    return { kind: 'status', status: response.status, retryAfterMs: retryAfter === null ? undefined : Number(retryAfter) * 1000 };
  } catch {
    return { kind: controller.signal.aborted ? 'timeout' : 'network-error' };
  } finally {
    time.clearTimeout(timer);
  }
}

function sleep(time: VirtualTime, ms: number): Promise<void> {
  return new Promise((resolve) => time.setTimeout(resolve, ms));
}
