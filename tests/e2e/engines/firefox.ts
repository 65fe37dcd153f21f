import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { locate } from '../../../scripts/find-browsers.mjs';
import { callExpression, fromJson, otherSite, sleep, type BrowserSession, type Engine, type Tab } from './driver.js';

/**
 * Firefox stops a service worker that has had no event for `idle_timeout` (30 s by default), or
 * `idle_extended_timeout` after that while `waitUntil` work is pending. Lowered, a restart takes
 * seconds: on firefox-esr 153 the page finds a new worker after 2.5 s away (5 runs of 5, also on a
 * machine at load 20). Only a browser launched for it gets these prefs: at 1 s, a worker would
 * also stop between the steps of the other scenarios whenever the machine is slow.
 */
const RESTART_PREFS = { 'dom.serviceWorkers.idle_timeout': 1_000, 'dom.serviceWorkers.idle_extended_timeout': 5_000 };
const IDLE_WAIT_MS = 2_500;

/** Firefox ESR through puppeteer-core over WebDriver BiDi. */
export const firefoxEngine: Engine = {
  name: 'firefox',
  missing: () => locate('firefox').missing,
  async launch(options = {}) {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: locate('firefox').paths!.firefox,
      headless: true,
      extraPrefsFirefox: options.workerRestarts ? RESTART_PREFS : {},
    });
    return new FirefoxSession(browser, await browser.version(), options.workerRestarts ?? false);
  },
};

class FirefoxSession implements BrowserSession {
  private first = true;

  constructor(
    private readonly browser: Browser,
    readonly version: string,
    private readonly workerRestarts: boolean,
  ) {}

  async open(url: string): Promise<Tab> {
    // The tab the browser started with, then new windows: Firefox runs a hidden tab's timers at
    // most once a second (a 100 ms setTimeout fired after 1001-1002 ms, 3 of 3), so an in-page
    // engine in a tab behind another timed out late; each window's page stays visible (100-105 ms).
    const page = this.first ? ((await this.browser.pages())[0] ?? (await this.browser.newPage())) : await this.browser.newPage({ type: 'window' });
    this.first = false;
    await page.goto(url);
    return new FirefoxTab(page, url, this.workerRestarts);
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}

class FirefoxTab implements Tab {
  constructor(
    private readonly page: Page,
    readonly url: string,
    private readonly workerRestarts: boolean,
  ) {}

  async evaluate<R>(fn: string, ...args: unknown[]): Promise<R> {
    return fromJson<R>(await this.page.evaluate(callExpression(fn, args)));
  }

  /** Leaves the site and waits past the idle timeout: no event reaches the worker meanwhile. */
  async restartWorker(): Promise<void> {
    if (!this.workerRestarts) throw new Error('firefox: launch({ workerRestarts: true }) to restart workers');
    await this.page.goto(otherSite(this.url));
    await sleep(IDLE_WAIT_MS);
    await this.page.goto(this.url);
  }

  async navigate(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /**
   * Firefox still honours `location.reload(true)` (forceGet) as a hard reload, which bypasses the
   * worker; WebDriver BiDi's `reload` refuses `ignoreCache` in firefox-esr 153 ("not supported yet").
   */
  async hardReload(): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), this.page.evaluate('location.reload(true)')]);
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
