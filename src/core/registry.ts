import type { OriginState } from './origin-state.js';

/**
 * Origins by least recent use. A Map iterates in insertion order, so re-inserting on use keeps
 * the least recently used first; past the limit an idle origin is dropped (a busy one only when
 * every origin is busy, and its calls finish on the state they hold).
 */
export class OriginRegistry {
  private readonly origins = new Map<string, OriginState>();
  /** The origin used last, already last in the Map's order: its calls skip the re-insertion. */
  private latest: OriginState | undefined;

  constructor(
    private limit: number,
    private readonly create: (origin: string) => OriginState,
    private readonly onEvict: (origin: string) => void,
  ) {}

  setLimit(limit: number): void {
    this.limit = limit;
    this.trim();
  }

  get(origin: string): OriginState {
    if (this.latest?.origin === origin) return this.latest;
    let state = this.origins.get(origin);
    if (state !== undefined) {
      this.origins.delete(origin);
      this.origins.set(origin, state);
      return (this.latest = state);
    }
    state = this.latest = this.create(origin);
    this.origins.set(origin, state);
    this.trim(); // may evict it at once (every other origin busy), and forget it as the latest
    return state;
  }

  all(): IterableIterator<OriginState> {
    return this.origins.values();
  }

  private trim(): void {
    while (this.origins.size > this.limit) {
      let victim: OriginState | undefined;
      for (const state of this.origins.values()) {
        if (!state.busy) {
          victim = state;
          break;
        }
      }
      victim ??= this.origins.values().next().value as OriginState;
      this.origins.delete(victim.origin);
      if (victim === this.latest) this.latest = undefined;
      this.onEvict(victim.origin);
    }
  }
}
