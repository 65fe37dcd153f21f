/**
 * The dashboard's state: one OriginHistory per upstream, all outcomes over time, and the worker
 * instances seen. Inputs come from the worker (broadcasts, state polls), the load generator and
 * the upstreams' stats; views subscribe and redraw.
 */
import type { Broadcast, OriginSnapshot } from '../../src/index.js';
import type { WorkerHeartbeat } from '../worker-heartbeat.js';
import { OriginHistory } from './origin-history.js';
import { OutcomeSeries } from './outcome-series.js';
import type { CallResult } from './outcomes.js';

export interface WorkerRestart {
  at: number;
  instance: string;
  /** Breaker states the new instance reported first (restored from IndexedDB). */
  restored: { name: string; state: string; openUntil: number | null }[] | undefined;
}

export type WorkerStatus =
  | { kind: 'starting' }
  | { kind: 'none'; message: string }
  | { kind: 'running'; instance: string; startedAt: number }
  | { kind: 'stopped'; instance: string; since: number };

export class Dashboard {
  readonly origins: OriginHistory[];
  readonly outcomes = new OutcomeSeries();
  readonly calls: CallResult[] = [];
  worker: WorkerStatus = { kind: 'starting' };
  readonly restarts: WorkerRestart[] = [];
  private lastHeartbeat = 0;
  private readonly listeners = new Set<() => void>();

  constructor(upstreams: { name: string; url: string }[]) {
    this.origins = upstreams.map((u) => new OriginHistory(new URL(u.url).origin, u.name));
  }

  origin(origin: string): OriginHistory | undefined {
    return this.origins.find((o) => o.origin === origin);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const l of this.listeners) l();
  }

  applyBroadcast(message: Broadcast): void {
    if (message.type === 'state') this.applySnapshots(message.origins, message.at);
    else if (message.type === 'event' && message.event.origin !== undefined) this.origin(message.event.origin)?.applyEvent(message.event);
    this.changed();
  }

  applySnapshots(origins: OriginSnapshot[], at: number): void {
    for (const s of origins) this.origin(s.origin)?.applySnapshot(s, at);
    const pending = this.restarts.at(-1);
    if (pending !== undefined && pending.restored === undefined) {
      pending.restored = this.origins.map((o) => {
        const s = origins.find((x) => x.origin === o.origin);
        return { name: o.name, state: s?.breaker.state ?? 'nothing saved (never changed)', openUntil: s?.breaker.openUntil ?? null };
      });
    }
    this.changed();
  }

  recordCall(result: CallResult): void {
    this.outcomes.add(result.outcome, result.at);
    this.origin(result.origin)?.recordCall(result);
    this.calls.push(result);
    if (this.calls.length > 200) this.calls.shift();
    this.changed();
  }

  heartbeat(beat: WorkerHeartbeat, at: number): void {
    this.lastHeartbeat = at;
    const previous = this.worker.kind === 'running' || this.worker.kind === 'stopped' ? this.worker.instance : undefined;
    if (previous !== undefined && previous !== beat.instance) {
      this.restarts.push({ at: beat.startedAt, instance: beat.instance, restored: undefined });
    }
    this.worker = { kind: 'running', instance: beat.instance, startedAt: beat.startedAt };
    this.changed();
  }

  /** No heartbeat answered since `since`: the browser has stopped the worker. */
  heartbeatMissed(since: number): void {
    if (this.worker.kind === 'running' && this.lastHeartbeat < since) {
      this.worker = { kind: 'stopped', instance: this.worker.instance, since };
      this.changed();
    }
  }

  noWorker(message: string): void {
    this.worker = { kind: 'none', message };
    this.changed();
  }

  resetCounters(): void {
    for (const o of this.origins) o.resetCounters();
    this.outcomes.reset();
    this.changed();
  }
}
