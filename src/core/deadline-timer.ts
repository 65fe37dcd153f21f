import type { Clock } from './types.js';

/** An attempt's deadline, as the shared timer holds it. */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
  readonly queue: Queue;
}

/** The deadlines of one timeout, in the order they started (so in the order they fall due). */
class Queue {
  readonly deadlines = new Set<Deadline>();
  timer: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
  ) {}

  add(deadline: Deadline): void {
    this.deadlines.add(deadline);
    if (this.timer === undefined) this.timer = this.clock.setTimeout(this.fire, this.ms);
  }

  remove(deadline: Deadline): void {
    if (!this.deadlines.delete(deadline) || this.deadlines.size > 0) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    for (const deadline of this.deadlines) {
      // Not due yet, unless the wall clock went back further than the timeout itself.
      if (deadline.at > now && deadline.at - now <= this.ms) break;
      this.deadlines.delete(deadline);
      deadline.expire(); // may add or remove deadlines (a listener starting a call): see below
    }
    const head = this.deadlines.values().next().value;
    if (head !== undefined && this.timer === undefined) this.timer = this.clock.setTimeout(this.fire, head.at - now);
  };
}

/** Distinct timeouts kept while empty: one per policy is the norm; clamped ones come and go. */
const KEPT_QUEUES = 8;

/**
 * One timer per distinct attempt timeout instead of a setTimeout per attempt, so attempts in
 * flight together (a page's burst of requests) share it. Attempts with the same timeout fall due
 * in the order they started, so a FIFO per timeout (a Set: O(1) removal when an attempt settles)
 * and one timer for its head suffice; when the head settles first, the timer is left to fire,
 * finds nothing due and re-arms for the new head. Per timeout rather than one for all: a timer
 * counts elapsed time, deadlines are on the wall clock, and only within one queue does a
 * wall-clock jump leave their order alone. A queue's timer exists only while it holds a deadline:
 * an idle engine (a worker the browser may stop at any moment) has no timer pending.
 */
export class DeadlineTimer {
  private readonly queues = new Map<number, Queue>();

  constructor(private readonly clock: Clock) {}

  /** `expire` runs `ms` after `now` unless `remove` comes first. */
  add(now: number, ms: number, expire: () => void): Deadline {
    let queue = this.queues.get(ms);
    if (queue === undefined) {
      if (this.queues.size >= KEPT_QUEUES) for (const [key, idle] of this.queues) if (idle.deadlines.size === 0) this.queues.delete(key);
      this.queues.set(ms, (queue = new Queue(this.clock, ms)));
    }
    const deadline: Deadline = { at: now + ms, expire, queue };
    queue.add(deadline);
    return deadline;
  }

  remove(deadline: Deadline): void {
    deadline.queue.remove(deadline);
  }
}
