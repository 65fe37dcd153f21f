import type { Clock } from '../src/core/index.js';

/** A scheduled callback; `fn` is null once cleared (left in the heap, skipped when it surfaces). */
interface Timer {
  at: number;
  seq: number;
  fn: (() => void) | null;
}

/** Where virtual time starts: a plausible epoch, so anything reading it as a date still works. */
export const EPOCH = 1_700_000_000_000;

/** A macrotask boundary: every pending promise callback has run when it resolves. */
const drainMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The simulation's one event loop and the clock every engine is given. Timers live in a binary
 * heap ordered by (time, insertion order), so ties fire in the order they were set, as in a
 * browser. Between two events every promise callback runs (a setImmediate boundary), so the
 * engine's async code sees time stand still while it reacts, exactly as on a real event loop.
 * Cleared timers stay in the heap and are skipped: the engine clears most attempt timeouts
 * (a 10 s timer for a 50 ms answer), and removal from the middle of a heap costs more than
 * carrying them.
 */
export class VirtualTime implements Clock {
  private time = EPOCH;
  private seq = 0;
  private readonly heap: Timer[] = [];
  /** Events run so far (for the run-time report). */
  events = 0;

  now(): number {
    return this.time;
  }

  /** Milliseconds since the simulation started. */
  elapsed(): number {
    return this.time - EPOCH;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (handle !== undefined && handle !== null) (handle as Timer).fn = null;
  }

  /** Schedule at an absolute simulation time (ms since start). */
  at(elapsedMs: number, fn: () => void): void {
    this.setTimeout(fn, EPOCH + elapsedMs - this.time);
  }

  /** Run every event due up to `elapsedMs` (since start), draining promise callbacks after each. */
  async runUntil(elapsedMs: number): Promise<void> {
    const end = EPOCH + elapsedMs;
    await drainMicrotasks();
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at <= end) {
      const timer = this.pop();
      const fn = timer.fn;
      if (fn === null) continue;
      timer.fn = null;
      this.time = timer.at;
      this.events++;
      fn();
      await drainMicrotasks();
    }
    this.time = end;
  }

  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): Timer {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
