// A page may clear the outbox (sign-out) while a replay is sending one of its writes. Whatever
// that send's outcome, the cleared write must stay gone: not come back, and not without its body.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import { Outbox } from '../../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';

const API = 'https://api.example.test';
const offline = () => new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: 'offline' } });

/** An outbox whose engine answers offline, except for sends held until the test answers them. */
function setup() {
  const store = new OutboxStore(new IDBFactory());
  let hold: ((answer: Response) => void) | undefined;
  let held: Promise<void> = Promise.resolve();
  let markHeld: () => void = () => undefined;
  const outbox = new Outbox({
    store,
    policy: () => ({ defaults: { outbox: true as never } }),
    partition: () => null,
    engine: async () => {
      if (hold === undefined) return offline();
      markHeld();
      return new Promise<Response>((resolve) => (hold = resolve));
    },
  });
  return {
    outbox,
    store,
    /** The next send waits for `answer`; resolves once it has started. */
    holdNextSend(): Promise<void> {
      hold = () => undefined;
      held = new Promise<void>((resolve) => (markHeld = resolve));
      return held;
    },
    answer: (response: Response) => hold?.(response),
  };
}

describe('clear() while a replay sends', () => {
  it('a send that then fails does not bring the cleared write back', async () => {
    const t = setup();
    expect((await t.outbox.fetch(new Request(`${API}/notes`, { method: 'POST', body: 'note' }))).status).toBe(202);
    const sending = t.holdNextSend();
    const replay = t.outbox.replay('flush');
    await sending;
    expect(await t.outbox.clear()).toBe(1);
    t.answer(new Response('down', { status: 503 }));
    await replay;
    expect(await t.store.entries()).toEqual([]);
    expect((await t.outbox.list()).entries).toEqual([]);
  });
});
