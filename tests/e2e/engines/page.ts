import assert from 'node:assert/strict';
import type { Broadcast, ConfigUpdate, LiveConfig, OriginSnapshot, OutboxEvent, OutboxListing } from '../../../src/index.js';
import type { CallSpec, FetchFailure, FetchResult } from '../app/main.js';
import type { Tab } from './driver.js';

type Init = RequestInit & { resilience?: Record<string, unknown> };
type RegisterOptions = { config?: LiveConfig; swQuery?: string; type?: WorkerType; scope?: string };

/**
 * Typed calls to `window.harness` (tests/e2e/app/main.ts) in a tab of any engine: the same
 * page the Playwright suite drives, with plain JSON in and out.
 */
export class HarnessPage {
  constructor(readonly tab: Tab) {}

  /**
   * Registers the worker and checks the page is controlled. When registration fails, the
   * browser's message rarely says why (WebKit gives no console at all over WebDriver), so the
   * same script is loaded as a plain Worker, whose error event carries the evaluation error.
   */
  async register(options: RegisterOptions = {}): Promise<void> {
    const result = await this.tryRegister(options);
    if (!result.ok) {
      const script = `${options.type === 'classic' ? '/sw.classic.js' : '/sw.js'}${options.swQuery ?? ''}`;
      assert.fail(`registerResilience failed: ${result.error}; the script as a plain Worker: ${await this.workerError(script, options.type ?? 'module')}`);
    }
    assert.equal(await this.tab.evaluate<boolean>('() => window.harness.controlled()'), true, 'the page is controlled once registerResilience resolves');
  }

  /** `registerResilience` as the page calls it: whether it resolved, or its error's message. */
  tryRegister(options: RegisterOptions = {}): Promise<{ ok: boolean; error?: string }> {
    return this.tab.evaluate('(o) => window.harness.register(o)', options);
  }

  controlled(): Promise<boolean> {
    return this.tab.evaluate('() => window.harness.controlled()');
  }

  /** What a dedicated Worker running `script` reports within 3 s: its error, or that it ran. */
  private workerError(script: string, type: WorkerType): Promise<string> {
    return this.tab.evaluate<string>(
      `(script, type) => new Promise((resolve) => {
        const worker = new Worker(script, { type });
        const done = (text) => { worker.terminate(); resolve(text); };
        worker.onerror = (e) => done('error: ' + (e.message || 'unknown') + ' at ' + (e.filename || '?') + ':' + (e.lineno || '?'));
        setTimeout(() => done('no error (the worker script evaluates)'), 3000);
      })`,
      script,
      type,
    );
  }

  fetch(url: string, init: Init = {}): Promise<FetchResult | FetchFailure> {
    return this.tab.evaluate('(u, i) => window.harness.fetch(u, i)', url, init);
  }

  /** A call described as JSON (bodies made in the page: FormData, Blob, Request...), see CallSpec. */
  call(spec: CallSpec): Promise<FetchResult | FetchFailure> {
    return this.tab.evaluate('(s) => window.harness.call(s)', spec);
  }

  /** The URLs in this origin's stored-copy database, read from IndexedDB (the worker's and the in-page engine's). */
  storedUrls(): Promise<string[]> {
    return this.tab.evaluate('() => window.harness.storedUrls()');
  }

  /** A fetch that must resolve (any status); a rejection fails the test with its message. */
  async ok(url: string, init: Init = {}): Promise<FetchResult> {
    const result = await this.fetch(url, init);
    if ('error' in result) assert.fail(`fetch ${url} rejected: ${result.error.name}: ${result.error.message}`);
    return result;
  }

  /** Starts a call the test can abort later by id. */
  start(id: string, url: string, init: Init = {}): Promise<void> {
    return this.tab.evaluate('(id, u, i) => window.harness.start(id, u, i)', id, url, init);
  }

  abort(id: string): Promise<void> {
    return this.tab.evaluate('(id) => window.harness.abort(id)', id);
  }

  result(id: string): Promise<FetchResult | FetchFailure | undefined> {
    return this.tab.evaluate('(id) => window.harness.result(id)', id);
  }

  state(): Promise<OriginSnapshot[]> {
    return this.tab.evaluate('() => window.harness.state()');
  }

  async origin(origin: string): Promise<OriginSnapshot | undefined> {
    return (await this.state()).find((o) => o.origin === origin);
  }

  async breaker(origin: string): Promise<string | undefined> {
    return (await this.origin(origin))?.breaker.state;
  }

  /** The worker's stored copies, as the handle reports them (`cacheStats()`). */
  async cachedEntries(): Promise<number | undefined> {
    return (await this.tab.evaluate<{ entries: number } | undefined>('() => window.harness.cacheStats()'))?.entries;
  }

  /**
   * The stored copies the in-page engine wrote, counted in the page from IndexedDB itself (it has
   * no handle to ask). A database that does not exist yet is not created: the upgrade is aborted.
   */
  storedInPage(): Promise<number> {
    return this.tab.evaluate(`() => new Promise((resolve, reject) => {
      const open = indexedDB.open('resilient-fetch-cache');
      open.onupgradeneeded = () => open.transaction.abort();
      open.onerror = (e) => { e.preventDefault(); resolve(0); };
      open.onsuccess = () => {
        const db = open.result;
        const count = db.transaction('entries').objectStore('entries').count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
        count.onerror = () => { db.close(); reject(count.error); };
      };
    })`);
  }

  /** `handle.configure(partial)`: whether it resolved, or the error it rejected with. */
  configure(config: ConfigUpdate): Promise<{ ok: boolean; error?: { name: string; message: string } }> {
    return this.tab.evaluate('(c) => window.harness.configure(c)', config);
  }

  /** `handle.config()`: the worker's live config. */
  config(): Promise<LiveConfig> {
    return this.tab.evaluate('() => window.harness.config()');
  }

  clearCache(partition?: string): Promise<void> {
    return this.tab.evaluate('(p) => window.harness.clearCache(p)', ...(partition === undefined ? [] : [partition]));
  }

  /** `handle.outbox.list()`, `flush()` or `clear(partition?)`. */
  outbox(action: 'list' | 'flush' | 'clear', partition?: string): Promise<OutboxListing> {
    return this.tab.evaluate('(a, p) => window.harness.outbox(a, p)', action, ...(partition === undefined ? [] : [partition]));
  }

  /** Everything `subscribe()` delivered to this page so far, oldest first. */
  broadcasts(): Promise<Broadcast[]> {
    return this.tab.evaluate('() => window.harness.broadcasts()');
  }

  async outboxEvents(): Promise<OutboxEvent[]> {
    return (await this.broadcasts()).flatMap((b) => (b.type === 'outbox' ? [b.event] : []));
  }

  tracePage(endpoint: string): Promise<void> {
    return this.tab.evaluate('(e) => window.harness.tracePage(e)', endpoint);
  }

  flushTraces(): Promise<void> {
    return this.tab.evaluate('() => window.harness.flushTraces()');
  }
}
