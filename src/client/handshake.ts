import { HELLO, type Command, type Reply } from '../sw/protocol.js';

/**
 * How long a call waits for a controlling worker to say it is ours. A running worker answers
 * within a millisecond; a stopped one must start first (tens to hundreds of ms). A worker that
 * answers later still counts for later calls.
 */
const HANDSHAKE_WAIT_MS = 1_000;

interface Verdict {
  /** undefined while no answer has come and the wait has not run out. */
  ours: boolean | undefined;
  answer: Promise<boolean>;
}

/** One handshake per worker object: a new controller (an update, another registration) is asked again. */
const verdicts = new WeakMap<ServiceWorker, Verdict>();

/**
 * Whether `worker` runs installResilience. Only then does the page add our options header and
 * `traceparent`: another worker (the app's own, a Workbox one) would forward them to the
 * upstream, costing a CORS preflight and leaking trace ids.
 */
export function isOurWorker(worker: ServiceWorker): Promise<boolean> | boolean {
  let verdict = verdicts.get(worker);
  if (verdict === undefined) {
    verdict = ask(worker);
    verdicts.set(worker, verdict);
  }
  return verdict.ours ?? verdict.answer;
}

function ask(worker: ServiceWorker): Verdict {
  const verdict: Verdict = { ours: undefined, answer: Promise.resolve(false) };
  verdict.answer = new Promise<boolean>((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      verdict.ours ??= false;
      resolve(false);
    }, HANDSHAKE_WAIT_MS);
    // The port stays open after the wait, so a slow worker of ours is still recognised.
    channel.port1.onmessage = (event: MessageEvent<Reply>) => {
      clearTimeout(timer);
      channel.port1.close();
      const reply = event.data as Partial<Extract<Reply, { ok: true }>> | null;
      verdict.ours = reply?.ok === true && reply.hello === HELLO;
      resolve(verdict.ours);
    };
    worker.postMessage({ type: 'hello' } satisfies Command, [channel.port2]);
  });
  return verdict;
}
