import { HELLO, type Command, type Reply } from '../sw/protocol.js';
import { setPageSettings } from './page-settings.js';

/**
 * How long a call waits for a controlling worker to say it is ours. A running worker answers
 * within a millisecond; a stopped one must start first (tens to hundreds of ms). A worker that
 * answers later still counts for later calls.
 */
export const HANDSHAKE_WAIT_MS = 1_000;

interface Verdict {
  /** undefined while no answer has come. */
  ours: boolean | undefined;
  /** A caller waited its whole wait without an answer: later calls do not wait again. */
  gaveUp: boolean;
  /** Settles with the worker's answer only (never on a timer). */
  answer: Promise<boolean>;
}

/** One handshake per worker object: a new controller (an update, another registration) is asked again. */
const verdicts = new WeakMap<ServiceWorker, Verdict>();

/**
 * Whether `worker` runs installResilience. Only then does the page add our options header and
 * `traceparent`: another worker (the app's own, a Workbox one) would forward them to the
 * upstream, costing a CORS preflight and leaking trace ids.
 *
 * Each caller waits at most `waitMs` for the one shared question. `registerResilience` waits as
 * long as it waits for the worker to take control: on a loaded machine the answer of a worker
 * that has just activated can take over a second, and a verdict of "not ours" then sent the
 * page's first calls to the in-page engine, whose requests the worker handled a second time
 * (the Vite adoption test's occasional failure).
 */
export function isOurWorker(worker: ServiceWorker, waitMs = HANDSHAKE_WAIT_MS): Promise<boolean> | boolean {
  let verdict = verdicts.get(worker);
  if (verdict === undefined) {
    verdict = ask(worker);
    verdicts.set(worker, verdict);
  }
  if (verdict.ours !== undefined) return verdict.ours;
  if (verdict.gaveUp) return false;
  return waitFor(verdict, waitMs);
}

function waitFor(verdict: Verdict, waitMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      verdict.gaveUp = true;
      resolve(false);
    }, waitMs);
    void verdict.answer.then(resolve).finally(() => clearTimeout(timer));
  });
}

function ask(worker: ServiceWorker): Verdict {
  const verdict = { gaveUp: false } as Verdict; // `ours` stays undefined until the answer comes
  const channel = new MessageChannel();
  verdict.answer = new Promise<boolean>((resolve) => {
    // The port stays open after every wait has run out, so a slow worker of ours is still recognised.
    channel.port1.onmessage = (event: MessageEvent<Reply>) => {
      channel.port1.close();
      const reply = event.data as Partial<Extract<Reply, { ok: true }>> | null;
      verdict.ours = reply?.ok === true && reply.hello === HELLO;
      // Our worker says what its fallback cache is, which an in-page engine shares (page-settings.ts).
      if (verdict.ours) setPageSettings({ reportedCache: reply!.pageCache });
      resolve(verdict.ours);
    };
  });
  worker.postMessage({ type: 'hello' } satisfies Command, [channel.port2]);
  return verdict;
}
