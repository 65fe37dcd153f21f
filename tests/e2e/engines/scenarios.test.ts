/**
 * The public API, end to end, in every engine users run: Chromium (Playwright), Firefox ESR
 * (puppeteer-core over WebDriver BiDi) and WebKitGTK (WebKitWebDriver). One file, written against
 * the driver interface in driver.ts; `TEST_ENGINES=chromium,firefox,webkit` picks engines, and an
 * engine whose browser is not installed is reported skipped with the reason, never passed.
 *
 * Run: `npm run test:engines` (`node scripts/e2e.mjs --engines-only`), or through `npm test`.
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import { selectedEngines } from '../../../scripts/find-browsers.mjs';
import { buildApp } from '../../../scripts/build-app.js';
import { chromiumEngine } from './chromium.js';
import { within, type BrowserSession, type Engine, type EngineName } from './driver.js';
import { firefoxEngine } from './firefox.js';
import { webkitEngine } from './webkit.js';
import { APP_DIR, World } from './world.js';
import { SCENARIOS } from './scenario.js';
// Each file registers its scenarios when imported, in this order.
import './basics.scenarios.js';
import './outbox.scenarios.js';
import './page-engine.scenarios.js';
import './handle.scenarios.js';
import './timing.scenarios.js';
import './telemetry.scenarios.js';
import './workbox.scenarios.js';
import './uploads.scenarios.js';
import './redirects.scenarios.js';
import './parity.scenarios.js';
import './body-used.scenarios.js';

const ENGINES: Record<EngineName, Engine> = { chromium: chromiumEngine, firefox: firefoxEngine, webkit: webkitEngine };

/** Every engine runs every scenario, one engine after the other (2 cores, heavy browsers). */
before(() => buildApp({ root: 'tests/e2e/app', outDir: APP_DIR, workers: { 'sw-workbox': '../workbox/sw.ts' } }));

for (const name of selectedEngines()) {
  const engine = ENGINES[name];
  const missing = engine.missing();

  describe(name, () => {
    let session: BrowserSession | undefined;
    let launchError: unknown;
    if (missing === undefined) {
      // A browser that will not start fails every scenario with its error (a failed hook would
      // only say the scenarios were cancelled).
      before(async () => {
        session = await engine.launch().catch((error: unknown) => {
          launchError = error;
          return undefined;
        });
      });
      after(() => session && within(session.close(), 20_000, `closing ${name}`));
    }

    for (const { title, body, timeout, cannot } of SCENARIOS) {
      const skip = missing !== undefined ? `${name} not installed: ${missing}` : cannot[name] !== undefined ? `${name}: ${cannot[name]}` : false;
      it(title, { skip, timeout }, async (t: TestContext) => {
        if (session === undefined) throw new Error(`${name} did not start`, { cause: launchError });
        t.diagnostic(`engine ${name} ${session.version}`); // the reporter prints each engine's version
        const world = await World.create(engine, session);
        try {
          await body(world);
        } finally {
          await world.close();
        }
      });
    }
  });
}
