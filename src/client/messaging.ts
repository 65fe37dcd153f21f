import type { Command, Reply } from '../sw/protocol.js';

/**
 * Sends a command to the worker and waits for its reply on a private MessageChannel. A worker
 * that never answers (an old version, or one stuck starting) fails the call instead of hanging.
 */
export function sendCommand(worker: ServiceWorker, command: Command, timeoutMs = 10_000): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      reject(new Error(`resilient-fetch: the service worker did not answer "${command.type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    channel.port1.onmessage = (event: MessageEvent<Reply>) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(event.data);
    };
    worker.postMessage(command, [channel.port2]);
  });
}

/** Turns a failed reply back into the error the worker threw (a TypeError for bad config). */
export function unwrap(reply: Reply): Extract<Reply, { ok: true }> {
  if (reply.ok) return reply;
  const ErrorType = reply.error.name === 'TypeError' ? TypeError : Error;
  const error = new ErrorType(reply.error.message);
  if (ErrorType === Error) error.name = reply.error.name;
  throw error;
}
