import type { Page } from '@playwright/test';
import { startOtlpReceiver } from '../../demo-app/server/otlp-receiver.js';
import { startChaosUpstream, type ChaosUpstreamHandle } from '../../demo-app/server/chaos-upstream.js';
import { expect, test as base } from './fixtures.js';
import { CASES, PATHS, POLICY, differences, observe, startRedirector, type PathName } from './parity-cases.js';

// A user must not be able to tell where `resilientFetch` ran: through our worker, or in the
// in-page engine (no worker of ours controls the page), with or without page tracing (zone.js).
// A fourth path is the in-page engine under another app's worker, which its requests pass through.
// Each case (tests/e2e/parity-cases.ts, with what is compared and what is left out on purpose)
// runs the same call on every path, each against its own chaos upstream given the same faults.

interface Path {
  name: PathName;
  up: ChaosUpstreamHandle;
  page: Page;
}

/** The places a call can run, set up once per Playwright worker (tests take fresh upstreams). */
type Places = Record<PathName, Page>;

const test = base.extend<{ paths: Path[]; redirector: string }, { places: Places }>({
  places: [
    async ({ browser, app }, use) => {
      const receiver = await startOtlpReceiver();
      // Pages no worker of ours controls: browser contexts without service workers, where
      // registerResilience rejects but its config is what the in-page engine runs with.
      const contexts = await Promise.all([browser.newContext(), browser.newContext({ serviceWorkers: 'block' }), browser.newContext({ serviceWorkers: 'block' }), browser.newContext()]);
      const [worker, plain, zoned, foreign] = await Promise.all(contexts.map((context) => context.newPage()));
      const errors: string[] = [];
      for (const page of [worker!, plain!, zoned!, foreign!]) {
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`${app.url}/`);
      }
      await zoned!.evaluate((endpoint) => window.harness.tracePage(endpoint), receiver.tracesUrl);
      for (const page of [worker!, plain!, zoned!]) {
        const registered = await page.evaluate((config) => window.harness.register({ config }), { policy: POLICY });
        expect(registered.error).toEqual(page === worker ? undefined : expect.stringContaining('blocked'));
        expect(await page.evaluate(() => window.harness.controlled())).toBe(page === worker);
      }
      // Another app's worker controls this one (it passes /api/ requests on): the in-page engine
      // runs, and marks its requests for whatever worker they pass through (in-page-transport.ts).
      expect(await foreign!.evaluate(() => window.harness.registerForeign())).toBe(true);
      await foreign!.evaluate((config) => window.harness.inPageConfig(config), { policy: POLICY });
      await use({ worker: worker!, page: plain!, 'page+zone': zoned!, 'page under another worker': foreign! });
      expect(errors, 'uncaught errors in the pages').toEqual([]);
      await Promise.all(contexts.map((context) => context.close()));
      await receiver.close();
    },
    { scope: 'worker' },
  ],
  // Fresh upstreams, so fresh origins: each test starts with new per-origin state in every engine
  // (an origin paused by a Retry-After, say, stays paused for the next test otherwise).
  paths: async ({ places }, use) => {
    const ups = await Promise.all(PATHS.map(() => startChaosUpstream({ name: 'upstream' })));
    // A first call on each path, not compared: a worker the browser stopped while idle starts
    // again here, not inside a case's attempt (one cold start took longer than the 1 s attempts had, and retried).
    await Promise.all(PATHS.map(async (name, i) => expect(await places[name].evaluate((url) => window.harness.call({ url }), `${ups[i]!.url}/api/warm-up`)).toMatchObject({ status: 200 })));
    await use(PATHS.map((name, i) => ({ name, up: ups[i]!, page: places[name] })));
    await Promise.all(ups.map((up) => up.close()));
  },
  redirector: async ({}, use) => {
    const server = await startRedirector();
    await use(server.url);
    await server.close();
  },
});

test.describe('the same call through the worker and in the page (plain, zone.js, under another worker)', () => {
  for (const c of CASES) {
    test(c.name, async ({ paths, redirector }) => {
      const [worker, ...others] = await Promise.all(paths.map(({ page, up }) => observe({ call: (spec) => page.evaluate((s) => window.harness.call(s), spec), storedUrls: () => page.evaluate(() => window.harness.storedUrls()) }, up, redirector, c)));
      const diffs = others.flatMap((other, i) => differences(c, worker!, paths[i + 1]!.name, other));
      if (process.env.PARITY_SHOW) console.log(c.name, JSON.stringify(worker)); // what the worker path saw, to read a case
      if (diffs.length > 0) console.log(`case | path | field | worker | page\n${diffs.map((d) => `${d.known ? '(known) ' : ''}${d.line}`).join('\n')}`);
      if (c.call?.resilience?.outbox === true) await paths[0]!.page.evaluate(() => window.harness.outbox('clear')); // delivered to no later test
      expect(diffs.filter((d) => !d.known).map((d) => d.line)).toEqual([]);
      // Each path saw the call the case meant (not the same surprise on every path).
      expect(worker!.upstream.length > 0, 'requests reaching the upstream').toBe(!c.unsent);
    });
  }
});
