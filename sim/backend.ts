import type { RunMetrics } from './metrics.js';
import type { VirtualTime } from './virtual-time.js';

export interface BackendConfig {
  /** Requests per second it serves at full health (at the simulated scale). */
  capacityPerSecond: number;
  /** Share of that capacity at a given time (ms since start); 0 means down. */
  capacityShare: (elapsedMs: number) => number;
  /** Requests that may wait for service; past it, arrivals are shed with a 503 at once. */
  queueLimit: number;
  /** Round trip for a request that finds no queue (network plus handler). */
  baseLatencyMs: number;
  /** `Retry-After` seconds sent on a 503 at a given time (ms since start; undefined: the server says nothing). */
  retryAfterSeconds?: (elapsedMs: number) => number | undefined;
}

/** A request waiting for, or in, service. */
interface Pending {
  settle: ((response: Response) => void) | null;
  /** The client gave up (timeout or abort); the server does not know and works on it anyway. */
  abandoned: boolean;
}

/**
 * A server with a capacity in requests per second, one FIFO queue and a front end that sheds.
 * Work is served one request at a time at 1/capacity seconds each (a token server: the
 * aggregate of a large pool of workers, as the fleet sees it), so latency stays at the base
 * round trip until demand passes capacity, then grows with the backlog: wait = queue / capacity.
 * A client that times out or aborts leaves its request in the queue (servers rarely notice a
 * closed connection before they start work): serving it is wasted work, which is what lets a
 * retry storm keep a backend that has its capacity back overloaded (a metastable failure).
 * When the backend is down (share 0) the front end answers 503 at once and what was queued is lost.
 */
export class Backend {
  private readonly queue: Pending[] = [];
  private head = 0;
  private busy = false;

  constructor(
    private readonly config: BackendConfig,
    private readonly time: VirtualTime,
    private readonly metrics: RunMetrics,
  ) {}

  /** Requests waiting now (for tests and charts). */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** fetch's shape: resolves with the answer, rejects with the signal's reason on abort. */
  readonly fetch = (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const time = this.time;
    const now = time.elapsed();
    this.metrics.arrivals.add(now);
    const signal = init?.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const pending: Pending = { settle: null, abandoned: false };
      const onAbort = () => {
        pending.abandoned = true;
        pending.settle = null;
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pending.settle = (response) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(response);
      };
      if (this.config.capacityShare(now) <= 0) {
        this.flushQueue();
        return this.shed(pending);
      }
      if (this.queued >= this.config.queueLimit) return this.shed(pending);
      this.queue.push(pending);
      if (!this.busy) this.serveNext();
    });
  };

  private serveNext(): void {
    const now = this.time.elapsed();
    const share = this.config.capacityShare(now);
    if (share <= 0) this.flushQueue();
    const next = share <= 0 ? undefined : this.dequeue();
    if (next === undefined) {
      this.busy = false;
      return;
    }
    this.busy = true;
    this.time.setTimeout(() => {
      this.finish(next);
      this.serveNext();
    }, 1000 / (this.config.capacityPerSecond * share));
  }

  private finish(pending: Pending): void {
    if (pending.abandoned) this.metrics.wasted.add(this.time.elapsed());
    else this.deliver(pending, 200);
  }

  /** Answered 503 by the front end, without queueing. */
  private shed(pending: Pending): void {
    this.metrics.shed.add(this.time.elapsed());
    this.deliver(pending, 503);
  }

  /** The backend went down: what it held is lost, answered 503 by the front end. */
  private flushQueue(): void {
    for (let next = this.dequeue(); next !== undefined; next = this.dequeue()) {
      if (next.abandoned) continue;
      this.shed(next);
    }
  }

  private deliver(pending: Pending, status: number): void {
    const retryAfter = status === 503 ? this.config.retryAfterSeconds?.(this.time.elapsed()) : undefined;
    this.time.setTimeout(() => {
      const settle = pending.settle;
      if (status === 200) (settle === null ? this.metrics.wasted : this.metrics.useful).add(this.time.elapsed());
      if (settle === null) return; // the client gave up while the answer travelled
      const headers = retryAfter !== undefined ? { 'Retry-After': String(retryAfter) } : undefined;
      settle(new Response(null, { status, headers }));
    }, this.config.baseLatencyMs);
  }

  private dequeue(): Pending | undefined {
    if (this.head >= this.queue.length) return undefined;
    const next = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head); // compact now and then: O(1) amortized per request
      this.head = 0;
    }
    return next;
  }
}
