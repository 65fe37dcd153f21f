/** Remember at most this many aborts that arrived before their fetch event. */
const EARLY_LIMIT = 256;

/**
 * Calls the page may abort by id. Chromium does not abort a FetchEvent's `request.signal` when
 * the page aborts its fetch, so the page also posts `{ type: 'abort', id }` and the worker
 * aborts the upstream request itself.
 */
export class PageAborts {
  private readonly live = new Map<string, AbortController>();
  private readonly early = new Set<string>();

  /** A signal that aborts when the page says so or when `request` aborts. */
  track(id: string, requestSignal: AbortSignal): AbortSignal {
    const controller = new AbortController();
    this.live.set(id, controller);
    if (this.early.delete(id)) controller.abort(new DOMException('The page aborted the request', 'AbortError'));
    return typeof AbortSignal.any === 'function' ? AbortSignal.any([controller.signal, requestSignal]) : controller.signal;
  }

  abort(id: string): void {
    const controller = this.live.get(id);
    if (controller === undefined) {
      if (this.early.size >= EARLY_LIMIT) this.early.clear();
      this.early.add(id);
      return;
    }
    controller.abort(new DOMException('The page aborted the request', 'AbortError'));
  }

  forget(id: string): void {
    this.live.delete(id);
  }
}
