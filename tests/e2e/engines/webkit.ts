import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';
import { locate } from '../../../scripts/find-browsers.mjs';
import { callExpression, fromJson, otherSite, within, type BrowserSession, type Engine, type Tab } from './driver.js';

/**
 * About one session start in 40 never answers (WebKitWebDriver waits on a MiniBrowser that did
 * not come up); a healthy start takes under a second here, so 20 s and one retry is ample.
 */
const SESSION_START_MS = 20_000;

/**
 * WebDriver has no hard reload, and WebKit ignores `location.reload(true)` (measured: the page
 * reloads controlled). Scenarios that need one name this reason when they skip WebKit.
 */
export const WEBKIT_NO_HARD_RELOAD = 'WebKitWebDriver cannot hard-reload (no such WebDriver command; WebKit ignores location.reload(true))';

/** WebKitGTK's MiniBrowser through WebKitWebDriver and selenium-webdriver, on a private Xvfb. */
export const webkitEngine: Engine = {
  name: 'webkit',
  missing: () => locate('webkit').missing,
  async launch() {
    const paths = locate('webkit').paths!;
    const display = await startXvfb(paths.xvfb);
    try {
      const { driver, server } = await startSession(paths, display.name).catch(() => startSession(paths, display.name));
      const version = String((await driver.getCapabilities()).get('browserVersion'));
      return new WebkitSession(driver, server, display.process, version, await driver.getWindowHandle());
    } catch (error) {
      killGroup(display.process);
      throw error;
    }
  },
};

/** Starts `Xvfb` on a display number it picks itself (-displayfd), so parallel runs never collide. */
function startXvfb(xvfb: string): Promise<{ name: string; process: ChildProcess }> {
  const child = spawn(xvfb, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
  liveGroups.add(child);
  return within(
    new Promise<{ name: string; process: ChildProcess }>((resolve, reject) => {
      let text = '';
      child.stdio[3]!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve({ name: `:${text.trim()}`, process: child });
      });
      child.on('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    }),
    10_000,
    'Xvfb start',
  ).catch((error: unknown) => {
    killGroup(child);
    throw error;
  });
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One WebKitWebDriver and its session, bounded in time; a hung one is killed whole. */
async function startSession(paths: { driver: string; miniBrowser: string }, display: string): Promise<{ driver: WebDriver; server: ChildProcess }> {
  const port = await freePort();
  // Its own process group, so MiniBrowser and its web processes go with it.
  const server = spawn(paths.driver, [`--port=${port}`], { stdio: 'ignore', detached: true, env: { ...process.env, DISPLAY: display } });
  liveGroups.add(server);
  try {
    const capabilities = {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: paths.miniBrowser, args: ['--automation'] },
    };
    const driver = await within(waitForDriver(port).then(() => new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(capabilities).build()), SESSION_START_MS, 'WebKit session start');
    await driver.manage().setTimeouts({ script: 30_000, pageLoad: 15_000 });
    return { driver, server };
  } catch (error) {
    killGroup(server);
    throw error;
  }
}

async function waitForDriver(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.ok, () => false);
    if (ready) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`WebKitWebDriver did not listen on port ${port}`);
}

/** Drivers run detached (their own process group): killed here even if the test run is cut short. */
const liveGroups = new Set<ChildProcess>();
process.on('exit', () => liveGroups.forEach(killGroup));

function killGroup(child: ChildProcess): void {
  liveGroups.delete(child);
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

class WebkitSession implements BrowserSession {
  /** WebDriver drives one window at a time: every command switches to its tab first, in turn. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Windows open; the spare one (blank, unused) is among them. */
  private readonly windows = new Set<string>();
  private spareWindow: string | undefined;

  constructor(
    private readonly driver: WebDriver,
    private readonly server: ChildProcess,
    private readonly xvfb: ChildProcess,
    readonly version: string,
    firstWindow: string,
  ) {
    this.windows.add(firstWindow);
    this.spareWindow = firstWindow;
  }

  /** Runs `step` on `window` after every command queued before it. */
  inWindow<T>(window: string, step: (driver: WebDriver) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await this.driver.switchTo().window(window);
      return step(this.driver);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  async open(url: string): Promise<Tab> {
    const window = this.spareWindow ?? (await this.newWindow());
    this.spareWindow = undefined;
    this.windows.add(window);
    await this.inWindow(window, (d) => d.get(url));
    return new WebkitTab(this, window, url);
  }

  private newWindow(): Promise<string> {
    return this.inWindow([...this.windows][0]!, async (d) => {
      await d.switchTo().newWindow('tab');
      return d.getWindowHandle();
    });
  }

  /** Closing the last window would end the session: that one is blanked and kept for the next open. */
  closeWindow(window: string): Promise<void> {
    this.windows.delete(window);
    if (this.windows.size > 0) return this.inWindow(window, (d) => d.close());
    this.spareWindow = window;
    this.windows.add(window);
    return this.inWindow(window, (d) => d.get('about:blank'));
  }

  async close(): Promise<void> {
    await within(this.driver.quit(), 10_000, 'WebKit session end').catch(() => undefined);
    killGroup(this.server);
    killGroup(this.xvfb);
  }
}

class WebkitTab implements Tab {
  constructor(
    private readonly session: WebkitSession,
    private readonly window: string,
    readonly url: string,
  ) {}

  async evaluate<R>(fn: string, ...args: unknown[]): Promise<R> {
    const script = `const done = arguments[arguments.length - 1];
      ${callExpression(fn, args)}.then((json) => done({ json }), (e) => done({ error: String((e && e.stack) || e) }));`;
    const answer = await this.session.inWindow(this.window, (d) => d.executeAsyncScript<{ json?: string; error?: string }>(script));
    if (answer.error !== undefined) throw new Error(`in the page: ${answer.error}`);
    return fromJson<R>(answer.json);
  }

  /**
   * WebKit runs a site's service worker in that site's web process and ends it when no page of
   * the site is left: leaving for another site stops it at once (measured: the next visit, 0 ms
   * later, starts a new worker).
   */
  async restartWorker(): Promise<void> {
    await this.session.inWindow(this.window, async (d) => {
      await d.get(otherSite(this.url));
      await d.get(this.url);
    });
  }

  navigate(url: string): Promise<void> {
    return this.session.inWindow(this.window, (d) => d.get(url));
  }

  hardReload(): Promise<void> {
    return Promise.reject(new Error(WEBKIT_NO_HARD_RELOAD));
  }

  close(): Promise<void> {
    return this.session.closeWindow(this.window);
  }
}
