import type { Command, Reply } from '../sw/protocol.js';

/**
 * Sends a command to the worker and waits for its reply on a private MessageChannel. A worker
 * that never answers (an old version, or one stuck starting) fails the call instead of hanging.
 */
export function sendCommand(worker: ServiceWorker, command: Command, timeoutMs = 10_000): Promise<Reply> {
  const channel = new MessageChannel();
  const reply = new Promise<Reply>((resolve) => (channel.port1.onmessage = (event: MessageEvent<Reply>) => resolve(event.data)));
  worker.postMessage(command, [channel.port2]);
  return withTimeout(reply, timeoutMs, `answer "${command.type}"`).finally(() => channel.port1.close());
}

/** `promise`, or a rejection saying the worker did not do `what` within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`resilient-fetch: the service worker did not ${what} within ${ms} ms`)), ms);
    void promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** Turns a failed reply back into the error the worker threw (a TypeError for bad config). */
export function unwrap(reply: Reply): Extract<Reply, { ok: true }> {
  if (reply.ok) return reply;
  const { name, message } = reply.error;
  throw name === 'TypeError' ? new TypeError(message) : Object.assign(new Error(message), { name });
}
