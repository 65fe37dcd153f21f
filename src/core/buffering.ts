import type { Deps } from './deps.js';
import { callTimedOut } from './call-timed-out.js';
import { MAX_TIMER_MS } from './max-timer.js';
import type { RequestPlan } from './request-plan.js';
import { redactUrl } from './tracing.js';

/** A plan whose body is still being read into memory for replays, and (for a stream) how to stop that read. */
export type BufferingPlan = Promise<RequestPlan> & { cancel?: (reason: unknown) => void };

/**
 * Whether the plan is still reading its body. Not `instanceof Promise`: zone.js (page tracing)
 * replaces the global Promise, which the promise an async function returns is no instance of, and
 * such a plan was sent as one: to `<page>/undefined`, without its body.
 */
export function isBuffering(plan: RequestPlan | BufferingPlan): plan is BufferingPlan {
  return 'then' in plan;
}

/**
 * The plan once its body is buffered, within the call's timeout and deadline and until the
 * caller aborts. A body stream that stalled held the call for good: no attempt had started, so
 * no timer watched it, and the caller's abort was heard only once the body ended. It now ends
 * as fetch would end that upload: a TimeoutError (callTimedOut, as a call that ran out of time otherwise),
 * or the abort's reason; the stream is cancelled, and nothing was sent or counted.
 */
export function buffered(buffering: BufferingPlan, deps: Deps, url: string, now: number, timeoutMs: number, deadlineMs: number, signal: AbortSignal | undefined): Promise<RequestPlan> {
  let expiry: ReturnType<Deps['deadlines']['add']> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const stop = (reason: unknown) => {
      buffering.cancel?.(reason);
      reject(reason);
    };
    const waitMs = Math.min(timeoutMs, deadlineMs);
    if (waitMs <= MAX_TIMER_MS) {
      expiry = deps.deadlines.add(now, waitMs, () => stop(callTimedOut(redactUrl(url, deps.redacted), timeoutMs < deadlineMs ? 'timeout' : 'deadline')));
    }
    if (signal?.aborted) stop(signal.reason);
    signal?.addEventListener('abort', (onAbort = () => stop(signal.reason)));
  });
  return Promise.race([buffering, stopped]).finally(() => {
    if (expiry !== undefined) deps.deadlines.remove(expiry);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  });
}
