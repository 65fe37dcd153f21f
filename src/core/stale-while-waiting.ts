import { storedCopy, type FallbackHost } from './fallback.js';
import { originOf } from './origin.js';
import { cancelBody } from './responses.js';

/**
 * A reader never waits longer than a stored copy allows: once `waitMs` passes without a network
 * answer (the call still queued or in flight), a GET with a stored copy answers from it, marked
 * `X-Resilience-Reason: slow`, while the request goes on within its own timeout and deadline to
 * refresh the store. Once its answer is stored, a `refreshed` event tells the pages (the worker
 * turns it into `fresh-arrived`): a page that reads again on the notice gets the fresh copy, even
 * should the upstream fail by then. The timer lives only while this one call waits.
 */
export function staleWhileWaiting(call: FallbackHost, sending: Promise<Response>, waitMs: number): Promise<Response> {
  const { clock } = call.engine.deps;
  return new Promise<Response>((resolve, reject) => {
    let answered = false;
    const timer = clock.setTimeout(() => {
      void storedCopy(call, 'slow').then((copy) => {
        if (copy === undefined) return;
        if (answered) return cancelBody(copy);
        answered = true;
        call.answeredEarly?.();
        // The request goes on to refresh the store: the worker's waitUntil (settled()) must wait
        // for it and for the write it ends in, or the browser may stop the worker before either.
        call.engine.track(sending.then(noop, noop));
        resolve(copy);
      });
    }, waitMs);
    sending.then(
      (response) => {
        clock.clearTimeout(timer);
        if (!answered) {
          answered = true;
          return resolve(response);
        }
        // The caller has the stored copy; this answer is going into the store (outcome.ts succeed).
        // A write that fails or sticks still ends (bounded): the fresh answer did arrive.
        if (response.ok) {
          call.engine.track(Promise.resolve(call.stored).then(() => call.engine.emit({ type: 'refreshed', origin: originOf(call.url), at: clock.now(), url: call.url, status: response.status })));
        }
        cancelBody(response);
      },
      (error: unknown) => {
        clock.clearTimeout(timer);
        if (!answered) {
          answered = true;
          reject(error);
        }
      },
    );
  });
}

const noop = (): void => undefined;
