import type { Deps } from './deps.js';
import { reportError } from './report-error.js';
import type { CallOptions } from './types.js';

// What the engine asks of the app's own code (isOnline, random, the tracer's context), each
// wrapped so that a throw or a nonsense value is reported and never breaks a call.

/** navigator.onLine, with the navigator looked up once: each DOM getter costs ~0.15 µs in Chromium, on every call. */
export function onLine(navigator: { onLine?: boolean } | undefined): () => boolean {
  return () => navigator?.onLine !== false;
}

/**
 * The app's own isOnline, isolated: asked at admission and when a failure is counted, a throw
 * rejected the call or, once the attempt was sent, kept its concurrency slot for good. Reported,
 * and taken as online (as `navigator.onLine` is where it is unknown). Only an app-given one pays
 * the wrapper's call.
 */
export function isolated(isOnline: () => boolean): () => boolean {
  return () => {
    try {
      return isOnline();
    } catch (error) {
      reportError(error);
      return true;
    }
  };
}

/**
 * The app's own random, kept to [0, 1]: it jitters open periods and backoff delays. NaN held a
 * tripped breaker open for good (its reopening time was NaN), a value past 1 shortened the open
 * period to nothing or less, a negative one stretched it past openMs, and a throw while a failure
 * was counted kept the call's concurrency slot. Anything else is taken as 0.5, a throw reported.
 */
export function inUnitRange(random: () => number): () => number {
  return () => {
    try {
      const value = random();
      if (value >= 0 && value <= 1) return value;
    } catch (error) {
      reportError(error);
    }
    return 0.5;
  };
}

export function activeContext(tracing: NonNullable<Deps['tracing']>): CallOptions['traceContext'] {
  try {
    return tracing.active();
  } catch (error) {
    reportError(error);
    return undefined;
  }
}
