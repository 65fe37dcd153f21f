/**
 * The thin interface the cross-engine scenarios are written against. Each engine has one small
 * adapter (chromium.ts, firefox.ts, webkit.ts) over the automation library that drives it best
 * here: Playwright for Chromium, puppeteer-core over WebDriver BiDi for Firefox, Selenium over
 * WebKitWebDriver for WebKitGTK. Everything crosses the boundary as JSON, so what a scenario sees
 * does not depend on which library serialised it.
 */

export { within } from '../../../bench/lib/within.js';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

export interface Engine {
  readonly name: EngineName;
  /** Why this engine cannot run on this machine (a missing binary), or undefined. */
  missing(): string | undefined;
  /**
   * Starts a browser with a fresh profile. `workerRestarts` asks for a browser in which
   * `Tab.restartWorker()` works (Firefox needs prefs for it, set only where asked because a short
   * idle timeout would stop workers in the middle of the other scenarios).
   */
  launch(options?: { workerRestarts?: boolean }): Promise<BrowserSession>;
}

export interface BrowserSession {
  /** The browser's own version string, as it reports it over automation. */
  readonly version: string;
  /** Opens `url` in a new tab (the first call may reuse the tab the browser started with). */
  open(url: string): Promise<Tab>;
  close(): Promise<void>;
}

export interface Tab {
  readonly url: string;
  /**
   * Runs `fn` (the source of a function, e.g. `(u) => window.harness.fetch(u)`) in the page with
   * JSON arguments, awaits it, and returns its result through JSON (undefined fields vanish,
   * as they would over postMessage). A source string rather than a function keeps the code that
   * runs in the page free of whatever the test transpiler adds to functions.
   */
  evaluate<R>(fn: string, ...args: unknown[]): Promise<R>;
  /**
   * Makes the browser stop this origin's service worker the way it does on its own (idle, or no
   * page of the site left), then loads the tab's URL again. The next event starts a new worker.
   */
  restartWorker(): Promise<void>;
  /** Loads `url` in this tab, as a user following a link or typing an address (the page is left). */
  navigate(url: string): Promise<void>;
  /**
   * Reloads the tab past its service worker, as a hard reload (Shift+Reload) does: the page
   * loads uncontrolled. Throws where the engine's automation has no way to (see webkit.ts).
   */
  hardReload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One expression that calls `fn` with `args` and settles to the JSON text of its result, the same
 * for every engine: each library evaluates an expression and awaits the promise it yields.
 */
export function callExpression(fn: string, args: readonly unknown[]): string {
  return `(async () => JSON.stringify(await (${fn})(...${JSON.stringify(args)})))()`;
}

export function fromJson<R>(text: unknown): R {
  return (typeof text === 'string' ? JSON.parse(text) : undefined) as R;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Another site than 127.0.0.1 for the same server, so leaving to it leaves the site. */
export function otherSite(url: string): string {
  const u = new URL(url);
  u.hostname = 'localhost';
  return u.href;
}
