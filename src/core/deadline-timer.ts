import type { Clock } from './types.js';

/** An attempt's deadline, as the shared timer holds it: a link in its timeout's FIFO. */
export interface Deadline {
  readonly at: number;
  readonly expire: () => void;
  prev: Deadline | undefined;
  next: Deadline | undefined;
  /** The FIFO it is in; undefined once expired or removed. */
  lane: Lane | undefined;
}

/**
 * The attempts with one timeout, in the order they started, and the timer for the first of them.
 * A doubly linked list rather than a Set: a Set that empties and refills with every sequential
 * call shrinks and regrows its table each time (120 B a call in Node 22's heap profile).
 */
interface Lane {
  head: Deadline | undefined;
  tail: Deadline | undefined;
  timer: unknown;
}

/**
 * One timer per distinct attempt timeout (and one for the STUCK_AFTER_MS waits of within.ts: a
 * state load, a stored-copy lookup) instead of a setTimeout and a clearTimeout per attempt:
 * in Chromium that pair costs 2.3-4 µs, more than the rest of a successful call. Attempts with the
 * same timeout fall due in the order they started, so a FIFO per timeout (a linked list: O(1)
 * removal when an attempt settles) and one timer for its head suffice; when the timer fires it expires
 * what is due and re-arms for the new head. Per timeout rather than one for all: a timer counts
 * elapsed time, deadlines are on the wall clock, and only within one FIFO does a wall-clock jump
 * leave their order alone.
 *
 * When the last attempt of a timeout settles, its timer is left to fire rather than cleared, so
 * the next call, a moment later, finds it armed (any later deadline of that timeout falls due
 * after it). It then finds nothing due and is gone: within one timeout of the engine going idle
 * no timer is left, and nothing depends on it firing (a worker stopped before then loses nothing).
 * In Node it is unref'd, as AbortSignal.timeout's is, so it never holds a process open: an attempt
 * in flight has its socket for that (ref/unref per call cost 0.5 µs, a third of a call on Node 22).
 * Measured (bench:core:browser:nocdp): Chromium's success path 4.5 → 2.4 µs.
 */
export class DeadlineTimer {
  private readonly lanes = new Map<number, Lane>();

  constructor(private readonly clock: Clock) {}

  /** `expire` runs `ms` after `now` unless `remove` comes first. */
  add(now: number, ms: number, expire: () => void): Deadline {
    let lane = this.lanes.get(ms);
    if (lane === undefined) this.lanes.set(ms, (lane = { head: undefined, tail: undefined, timer: undefined }));
    const deadline: Deadline = { at: now + ms, expire, prev: lane.tail, next: undefined, lane };
    if (lane.tail === undefined) lane.head = deadline;
    else lane.tail.next = deadline;
    lane.tail = deadline;
    if (lane.timer === undefined) this.arm(lane, ms, ms);
    return deadline;
  }

  remove(deadline: Deadline): void {
    const lane = deadline.lane;
    if (lane === undefined) return;
    deadline.lane = undefined;
    if (deadline.prev === undefined) lane.head = deadline.next;
    else deadline.prev.next = deadline.next;
    if (deadline.next === undefined) lane.tail = deadline.prev;
    else deadline.next.prev = deadline.prev;
  }

  private arm(lane: Lane, ms: number, delay: number): void {
    const timer = (lane.timer = this.clock.setTimeout(() => {
      lane.timer = undefined;
      const now = this.clock.now();
      // Not due yet, unless the wall clock went back further than the timeout itself.
      for (let due = lane.head; due !== undefined && (due.at <= now || due.at - now > ms); due = lane.head) {
        this.remove(due);
        due.expire(); // may add or remove deadlines (a listener starting a call)
      }
      if (lane.timer !== undefined) return; // an expiry started an attempt, which armed it
      if (lane.head !== undefined) this.arm(lane, ms, lane.head.at - now);
      else this.lanes.delete(ms);
    }, delay));
    (timer as { unref?: () => void } | undefined)?.unref?.(); // Node's timers hold the process; browsers' have no such method
  }
}
