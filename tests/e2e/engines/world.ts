import { startChaosUpstream, type ChaosUpstreamHandle } from '../../../demo-app/server/chaos-upstream.js';
import { startOtlpReceiver, type OtlpReceiverHandle } from '../../../demo-app/server/otlp-receiver.js';
import { startStaticServer, type StaticServerHandle } from '../../../demo-app/server/static-server.js';
import type { BrowserSession, Engine, Tab } from './driver.js';
import { HarnessPage } from './page.js';

/** The harness app built for this suite (its own folder, so it never races the Playwright build). */
export const APP_DIR = 'dist-e2e-engines';

/**
 * What one scenario runs against: fresh upstreams, and the harness app on a port of its own.
 * A new origin per scenario gives each one a service worker, IndexedDB and cache of its own in
 * a browser shared by the whole engine run, which is what makes one browser per engine enough.
 */
export class World {
  private readonly tabs: Tab[] = [];
  private readonly closers: (() => Promise<unknown>)[] = [];
  private ownSession: BrowserSession | undefined;

  private constructor(
    readonly engine: Engine,
    private session: BrowserSession,
    readonly app: StaticServerHandle,
    readonly up1: ChaosUpstreamHandle,
    readonly up2: ChaosUpstreamHandle,
  ) {}

  static async create(engine: Engine, session: BrowserSession): Promise<World> {
    const [app, up1, up2] = await Promise.all([
      startStaticServer({ root: APP_DIR }),
      startChaosUpstream({ name: 'upstream-1' }),
      startChaosUpstream({ name: 'upstream-2' }),
    ]);
    return new World(engine, session, app, up1, up2);
  }

  /**
   * Opens the harness page in a new tab, at `/` or at another path that serves it (`/index.html`),
   * or at a whole URL (another server of the scenario's own). (Arrow functions here, so
   * scenarios may destructure.)
   */
  readonly open = async (path = '/'): Promise<HarnessPage> => {
    const tab = await this.session.open(path.startsWith('http') ? path : `${this.app.url}${path}`);
    this.tabs.push(tab);
    return new HarnessPage(tab);
  };

  /** From here on, tabs open in a browser of this scenario's own, launched so its worker can be restarted. */
  readonly useRestartableBrowser = async (): Promise<void> => {
    this.ownSession = await this.engine.launch({ workerRestarts: true });
    this.session = this.ownSession;
  };

  readonly receiver = async (): Promise<OtlpReceiverHandle> => {
    const receiver = await startOtlpReceiver();
    this.closers.push(() => receiver.close());
    return receiver;
  };

  async close(): Promise<void> {
    await Promise.allSettled(this.tabs.map((t) => t.close()));
    await this.ownSession?.close().catch(() => undefined);
    await Promise.allSettled([this.app.close(), this.up1.close(), this.up2.close(), ...this.closers.map((c) => c())]);
  }
}
