import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { locate } from '../../../scripts/find-browsers.mjs';
import { callExpression, fromJson, type BrowserSession, type Engine, type Tab } from './driver.js';

/** The same flags as playwright.config.ts: a quiet, headless, sandbox-free Chromium. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium through Playwright; the worker is stopped over CDP as the browser does when idle. */
export const chromiumEngine: Engine = {
  name: 'chromium',
  missing: () => locate('chromium').missing,
  async launch() {
    const browser = await chromium.launch({ executablePath: locate('chromium').paths!.chromium, args: ARGS, timeout: 60_000 });
    const context = await browser.newContext();
    return new ChromiumSession(browser, context);
  },
};

class ChromiumSession implements BrowserSession {
  readonly version: string;

  constructor(
    private readonly browser: Browser,
    private readonly context: BrowserContext,
  ) {
    this.version = browser.version();
  }

  async open(url: string): Promise<Tab> {
    const page = await this.context.newPage();
    await page.goto(url);
    return new ChromiumTab(page, url);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

class ChromiumTab implements Tab {
  constructor(
    private readonly page: Page,
    readonly url: string,
  ) {}

  async evaluate<R>(fn: string, ...args: unknown[]): Promise<R> {
    return fromJson<R>(await this.page.evaluate(callExpression(fn, args)));
  }

  async restartWorker(): Promise<void> {
    const cdp = await this.page.context().newCDPSession(this.page);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.detach().catch(() => undefined); // the session may already be gone with the stopped worker's targets
    await this.page.goto(this.url);
  }

  async navigate(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** DevTools' "Bypass for network", for this one load (the page's controller is set when it loads). */
  async hardReload(): Promise<void> {
    const cdp = await this.page.context().newCDPSession(this.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setBypassServiceWorker', { bypass: true });
    await this.page.reload();
    await cdp.send('Network.setBypassServiceWorker', { bypass: false });
    await cdp.detach();
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
