/**
 * What one cache instance changed, told to the others on its database (other tabs' in-page
 * engines, the service worker), so a memory front (RecentEntries) never answers a copy IndexedDB
 * no longer holds: `[partition, url]` for a write; `[partition]` forgets a partition, `[]`
 * everything (a clear, an eviction).
 */
export type WriteNotice = [partition?: string, url?: string];

export interface WriteNotices {
  tell(notice: WriteNotice): void;
  /** Starts hearing others' notices (call when starting to remember what they could supersede). */
  listen(): void;
  close(): void;
}

/**
 * A BroadcastChannel per database name, opened on first use: a worker that never touches its
 * cache does not pay for it (~0.3 ms to open one there, bench:sw's probe). Where there is no
 * BroadcastChannel, nothing is told or heard.
 */
export function writeNotices(dbName: string, heard?: (notice: WriteNotice) => void): WriteNotices {
  let channel: BroadcastChannel | null | undefined;
  let listening: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    if (channel === undefined) {
      channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`resilient-fetch-cache:${dbName}`) : null;
      if (channel && heard) channel.onmessage = (event: MessageEvent<WriteNotice>) => heard(event.data);
    }
    return channel;
  };
  return {
    tell: (notice) => open()?.postMessage(notice),
    // A task later: the first lookup after a worker start is on a call's path. A write another
    // context makes within that task goes unheard (a page engine writing in the same millisecond).
    listen() {
      listening ??= setTimeout(open, 0);
    },
    close() {
      clearTimeout(listening); // else a listen() of this task would open the channel again, for good
      channel?.close();
      channel = undefined;
      listening = undefined;
    },
  };
}
