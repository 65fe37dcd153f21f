import type { Clock, ResilienceEvent, ResponseCache, TracingPort } from './types.js';
import type { DeadlineTimer } from './deadline-timer.js';
import type { OriginState } from './origin-state.js';

/** What every call shares, built once per engine. */
export interface Deps {
  transport: typeof fetch;
  clock: Clock;
  /** The attempts' timeouts: one timer per distinct timeout, shared (deadline-timer.ts). */
  deadlines: DeadlineTimer;
  random: () => number;
  cache: ResponseCache | undefined;
  tracing: TracingPort | undefined;
  isOnline: () => boolean;
  redacted: ReadonlySet<string>;
  propagate: ((url: URL) => boolean) | undefined;
  /** Whether anyone listens for events (building them costs on the hot path). */
  listening: boolean;
}

/** What a call needs from the engine that runs it. */
export interface CallHost {
  readonly deps: Deps;
  /** Tell the listener; a listener that throws is reported, never felt by the call. */
  emit(event: ResilienceEvent): void;
  /** Keep a write-behind promise alive for `settled()`; what it returns settles with it and never rejects. */
  track(promise: Promise<unknown>): Promise<void>;
  /** Keep an app callback's write (a cache's put) for `settled()`, bounded, reported when stuck. */
  trackWrite(write: Promise<unknown>, name: 'cache.put', origin?: string, progress?: () => number): Promise<void>;
  /** Write an origin's state behind. */
  save(state: OriginState): void;
}
