/** A queued call: `admit` hands it a slot; `cancel` removes it (abort, deadline). */
export interface Waiter {
  admit(): void;
  /** Its caller already has an answer (a stored copy): it may give its place to one who has none. */
  answered?: boolean;
  /** Told when it gave its place up. */
  yieldPlace?(): void;
  /** When it joined the queue. */
  since?: number;
}

/**
 * Bounded concurrency with a bounded FIFO queue. A Set keeps insertion order and deletes in O(1),
 * so a caller that gives up leaves the queue at once instead of holding a place.
 */
export class Bulkhead {
  private inFlight = 0;
  private readonly queue = new Set<Waiter>();

  constructor(
    private maxInFlight: number,
    private maxQueue: number,
  ) {}

  setLimits(maxInFlight: number, maxQueue: number): void {
    this.maxInFlight = maxInFlight;
    this.maxQueue = maxQueue;
    this.drain();
  }

  get active(): number {
    return this.inFlight;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** How long the oldest waiter has waited (0 when none): how long the queue has not moved. */
  oldestWaitMs(now: number): number {
    for (const waiter of this.queue) return now - (waiter.since ?? now);
    return 0;
  }

  /** Take a slot now if one is free. */
  tryEnter(): boolean {
    if (this.inFlight >= this.maxInFlight || this.queue.size > 0) return false;
    this.inFlight++;
    return true;
  }

  /** Join the queue; false when it is full. The waiter's `admit` runs when a slot frees. */
  enqueue(waiter: Waiter): boolean {
    if (this.queue.size >= this.maxQueue && !this.makeRoom()) return false;
    this.queue.add(waiter);
    return true;
  }

  /**
   * A full queue makes room by dropping the oldest waiter whose caller was already answered from
   * a stored copy (it only waited to refresh the store), so a write is not refused for a read
   * that has its answer. O(queue) only when the queue is full.
   */
  private makeRoom(): boolean {
    for (const waiter of this.queue) {
      if (waiter.answered !== true) continue;
      this.queue.delete(waiter);
      waiter.yieldPlace?.();
      return true;
    }
    return false;
  }

  cancel(waiter: Waiter): void {
    this.queue.delete(waiter);
  }

  release(): void {
    this.inFlight--;
    this.drain();
  }

  private drain(): void {
    for (const waiter of this.queue) {
      if (this.inFlight >= this.maxInFlight) return;
      this.queue.delete(waiter);
      this.inFlight++;
      waiter.admit();
    }
  }
}
