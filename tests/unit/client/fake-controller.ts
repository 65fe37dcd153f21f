import { HELLO } from '../../../src/sw/protocol.js';

export type Behaviour = 'ours' | 'silent' | 'echo' | { lateMs: number };

/**
 * A controlling ServiceWorker as the page sees it: ours answers hello (with `hello`'s extra
 * fields, e.g. its cache settings), a foreign one does not.
 */
export function fakeController(behaviour: Behaviour, hello: Record<string, unknown> = {}) {
  const messages: unknown[] = [];
  const worker = {
    postMessage(message: unknown, transfer: MessagePort[] = []) {
      messages.push(message);
      const port = transfer[0];
      if (port === undefined || (message as { type?: string }).type !== 'hello') return;
      if (behaviour === 'ours') port.postMessage({ ok: true, hello: HELLO, ...hello });
      else if (behaviour === 'echo') port.postMessage(message);
      else if (typeof behaviour === 'object') setTimeout(() => port.postMessage({ ok: true, hello: HELLO, ...hello }), behaviour.lateMs);
    },
  };
  return { worker: worker as unknown as ServiceWorker, messages };
}
