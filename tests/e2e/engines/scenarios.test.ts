/**
 * The public API, end to end, in every engine users run: Chromium (Playwright), Firefox ESR
 * (puppeteer-core over WebDriver BiDi) and WebKitGTK (WebKitWebDriver). One file, written against
 * the driver interface in driver.ts; `TEST_ENGINES=chromium,firefox,webkit` picks engines, and an
 * engine whose browser is not installed is reported skipped with the reason, never passed.
 *
 * Run: `node scripts/e2e-engines.mjs` (or `npm run test:engines`), or through `npm test`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { selectedEngines } from '../../../scripts/find-browsers.mjs';
import type { LiveConfig } from '../../../src/index.js';
import { buildApp } from '../../../scripts/build-app.js';
import type { ReceivedSpan } from '../../../demo-app/server/otlp-receiver.js';
import { chromiumEngine } from './chromium.js';
import { sleep, type BrowserSession, type Engine, type EngineName } from './driver.js';
import { firefoxEngine } from './firefox.js';
import { webkitEngine } from './webkit.js';
import { APP_DIR, World } from './world.js';

const ENGINES: Record<EngineName, Engine> = { chromium: chromiumEngine, firefox: firefoxEngine, webkit: webkitEngine };
const SCENARIO_TIMEOUT_MS = 30_000;

/** A policy that makes a breaker trip after a handful of calls and recover quickly. */
function fastBreaker(origin: string, overrides: Record<string, unknown> = {}): LiveConfig {
  return {
    policy: {
      origins: {
        [origin]: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 4, failureRateThreshold: 0.5, openMs: 1_500, maxOpenMs: 10_000 }, ...overrides },
      },
    },
  };
}

/** Resolves once `check` returns true, polling; fails with `what` after `timeoutMs`. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}

before(() => buildApp({ root: 'tests/e2e/app', outDir: APP_DIR }));

for (const name of selectedEngines()) {
  const engine = ENGINES[name];
  const missing = engine.missing();

  describe(name, () => {
    let session: BrowserSession | undefined;
    if (missing === undefined) {
      before(async () => {
        session = await engine.launch();
      });
      after(() => session?.close());
    }

    /** One scenario: a fresh World around `body`, the engine's version told once in the report. */
    function scenario(title: string, body: (world: World) => Promise<void>): void {
      it(title, { skip: missing !== undefined ? `${name} not installed: ${missing}` : false, timeout: SCENARIO_TIMEOUT_MS }, async (t: TestContext) => {
        t.diagnostic(`engine ${name} ${session!.version}`);
        const world = await World.create(engine, session!);
        try {
          await body(world);
        } finally {
          await world.close();
        }
      });
    }

    scenario('registration: the page is controlled by the module worker, which handles its calls', async ({ open, up1 }) => {
      const page = await open();
      await page.register();
      const script = await page.tab.evaluate<string>('() => navigator.serviceWorker.controller.scriptURL');
      assert.match(script, /\/sw\.js$/);
      assert.equal((await page.ok(`${up1.url}/api/hello`)).status, 200);
      assert.equal((await page.origin(up1.url))?.calls, 1, 'the worker counted the call');
    });
  });
}
