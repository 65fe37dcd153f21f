/**
 * Runs the scenario once for one client: a fresh browser context (its own workers, caches,
 * IndexedDB and sockets), the page set up, then the seeded schedule played on a clock shared
 * with the upstream, whose log of received requests is taken at the end.
 */
import type { Browser } from '@playwright/test';
import type { CallRecord } from './outcome.js';
import type { Phase, ScheduledCall } from './scenario.js';
import type { ReceivedRequest, ScorecardUpstream } from './upstream.js';
import { within } from '../lib/within.js';

export const CLIENT_NAMES = ['fetch', 'ky', 'workbox', 'cockatiel', 'tanstack', 'ours'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];

/** After the last scheduled call, how long calls may take to settle before they count as unanswered. */
const GRACE_MS = 12_000;
/** Lead time between setting up and the first call, so every client starts on a quiet page. */
const LEAD_MS = 500;

export interface ClientRun {
  client: ClientName;
  calls: CallRecord[];
  received: ReceivedRequest[];
  /** Page errors and console errors seen during the run. */
  errors: string[];
  wallMs: number;
}

export async function runClient(
  browser: Browser,
  upstream: ScorecardUpstream,
  client: ClientName,
  scenario: { phases: readonly Phase[]; calls: ScheduledCall[]; seed: number },
): Promise<ClientRun> {
  const started = Date.now();
  const errors: string[] = [];
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
    page.on('console', (m) => {
      // The browser logs every failed request ("Failed to load resource"): that is the scenario, not a fault.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
    });
    await page.goto(`${upstream.url}/?client=${client}`);
    await page.waitForFunction(() => 'scorecard' in window);
    await page.evaluate((name) => window.scorecard.setup(name), client);
    const t0 = Date.now() + LEAD_MS;
    const end = scenario.phases[scenario.phases.length - 1]!.endMs;
    upstream.startRun(t0, scenario.phases, scenario.seed);
    let calls: CallRecord[];
    let received: ReceivedRequest[];
    try {
      const played = page.evaluate(([start, list, giveUp]) => window.scorecard.run(start, list, giveUp), [t0, scenario.calls, t0 + end + GRACE_MS] as const);
      calls = await within(played, LEAD_MS + end + GRACE_MS + 30_000, `${client}: the page's run`);
    } finally {
      // Ends the faults even if the page failed, so the next client starts on a healthy upstream.
      received = upstream.endRun();
    }
    return { client, calls, received, errors, wallMs: Date.now() - started };
  } finally {
    await context.close();
  }
}
