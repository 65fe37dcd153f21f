// A replay sends each write with the credentials of whoever is signed in now (cookies), so it
// sends only the live partition's writes. A sign-out (or another user signing in) while a
// replay is under way must stop it before the next write of the previous user goes.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { REASON, SOURCE } from '../../../src/core/headers.js';
import { Outbox } from '../../../src/sw/outbox/outbox.js';
import { OutboxStore } from '../../../src/sw/outbox/store.js';

const API = 'https://api.example.test';

describe('the partition changes during a replay', () => {
  it("the previous user's remaining writes wait for them, unsent", async () => {
    let partition: string | null = 'alice';
    let online = false;
    const sent: string[] = [];
    const outbox = new Outbox({
      store: new OutboxStore(new IDBFactory()),
      policy: () => ({ defaults: { outbox: true as never } }),
      partition: () => partition,
      engine: async (request) => {
        if (!online) return new Response(null, { status: 503, headers: { [SOURCE]: 'synthetic', [REASON]: 'offline' } });
        sent.push(await request.text());
        partition = 'bob'; // alice signs out and bob signs in while her first write is on its way
        return new Response('ok');
      },
    });
    for (const body of ['alice 1', 'alice 2']) {
      expect((await outbox.fetch(new Request(`${API}/notes`, { method: 'POST', body }))).status).toBe(202);
    }
    await outbox.settled();
    online = true;
    await outbox.replay('flush');
    expect(sent).toEqual(['alice 1']);
    partition = 'alice'; // she signs in again: her second write is still there
    expect((await outbox.list()).entries.map((e) => e.partition)).toEqual(['alice']);
  });
});
