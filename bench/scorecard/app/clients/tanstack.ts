import { MutationObserver, QueryClient, QueryObserver, type QueryObserverResult } from '@tanstack/query-core';
import { StatusError, readJson, type ClientAnswer, type ScorecardClient } from '../client.js';
import type { ScheduledCall } from '../../scenario.js';

/**
 * TanStack Query 5 (query-core) with its defaults, used as `useQuery`/`useMutation` use it: a
 * GET mounts a QueryObserver on its URL (stale at once, so it refetches on mount; a fetch already
 * in flight for that URL is shared; 3 retries at 1, 2, 4 s; the last good data kept on error) and
 * unmounts when its fetch settles; a POST is a mutation (no retry by default).
 * The answer is what the component shows once the fetch settles: fresh data, or, when the fetch
 * failed with earlier data cached, that data (a stale answer).
 */
const client = new QueryClient();

async function request(path: string, init: RequestInit): Promise<unknown> {
  const res = await fetch(path, init);
  if (!res.ok) throw new StatusError(res.status);
  return readJson(res);
}

function settled(result: QueryObserverResult): ClientAnswer | undefined {
  if (result.fetchStatus !== 'idle') return undefined;
  if (result.isError) {
    if (result.data === undefined) throw result.error;
    return { status: 200, body: result.data, origin: 'copy', detail: `stale after ${String(result.error)}` };
  }
  return { status: 200, body: result.data, origin: 'network' };
}

function query(call: ScheduledCall, init: RequestInit): Promise<ClientAnswer> {
  const observer = new QueryObserver(client, {
    queryKey: [call.path],
    queryFn: ({ signal }) => request(call.path, { ...init, signal }),
  });
  return new Promise<ClientAnswer>((resolve, reject) => {
    let unsubscribe = () => {};
    const check = (result: QueryObserverResult) => {
      try {
        const answer = settled(result);
        if (!answer) return;
        unsubscribe();
        resolve(answer);
      } catch (e) {
        unsubscribe();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    unsubscribe = observer.subscribe(check);
    // Mounting starts (or joins) a fetch; a fetch that settled synchronously is seen here.
    check(observer.getCurrentResult());
  });
}

async function mutate(call: ScheduledCall, init: RequestInit): Promise<ClientAnswer> {
  const observer = new MutationObserver(client, { mutationFn: () => request(call.path, init) });
  try {
    return { status: 200, body: await observer.mutate(), origin: 'network' };
  } catch (e) {
    if (e instanceof StatusError) return { status: e.status, body: null };
    throw e;
  } finally {
    observer.reset();
  }
}

export const tanstackClient: ScorecardClient = {
  async setup() {
    client.mount();
  },
  call: (call, init) => (call.kind === 'get' ? query(call, init) : mutate(call, init)),
};
