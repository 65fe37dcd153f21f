import type { OriginSnapshot, ResilienceEvent } from '../core/types.js';
import type { OutboxEvent } from './outbox/entry.js';
import { STATE_CHANNEL, type Broadcast } from './protocol.js';

/** Snapshots go out at most this often under load; events go out as they happen. */
const SNAPSHOT_INTERVAL_MS = 200;

/**
 * Tells every page (every tab shares this worker) what changed. The trailing snapshot timer
 * exists only while there is traffic, and losing it to a worker stop loses nothing: the next
 * page request or `state()` call gets a fresh snapshot.
 */
export class StateBroadcaster {
  /** Opened on the first message: a starting worker has better things to do (~0.3 ms, bench:sw's probe). */
  private channel: BroadcastChannel | null | undefined;
  private lastSnapshotAt = 0;
  private trailing: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly snapshot: () => OriginSnapshot[]) {}

  event(event: ResilienceEvent): void {
    this.post({ type: 'event', event });
    this.stateSoon();
  }

  cache(kind: 'stale-served' | 'fresh-arrived', url: string): void {
    this.post({ type: 'cache', kind, url, at: Date.now() });
  }

  outbox(event: OutboxEvent): void {
    this.post({ type: 'outbox', event });
  }

  stateNow(): void {
    if (this.trailing !== null) clearTimeout(this.trailing);
    this.trailing = null;
    this.lastSnapshotAt = Date.now();
    this.post({ type: 'state', origins: this.snapshot(), at: this.lastSnapshotAt });
  }

  private stateSoon(): void {
    const wait = this.lastSnapshotAt + SNAPSHOT_INTERVAL_MS - Date.now();
    if (wait <= 0) return this.stateNow();
    this.trailing ??= setTimeout(() => this.stateNow(), wait);
  }

  private post(message: Broadcast): void {
    this.channel ??= typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(STATE_CHANNEL);
    this.channel?.postMessage(message);
  }
}
