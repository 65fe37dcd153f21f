/**
 * The cross-engine scenarios' registry and the helpers they share. Each `*.scenarios.ts` file
 * registers its scenarios when imported; scenarios.test.ts imports them in order and runs every
 * one in every engine, each in a fresh World.
 */
import assert from 'node:assert/strict';
import type { LiveConfig } from '../../../src/index.js';
import { sleep, type EngineName } from './driver.js';
import type { World } from './world.js';

export const SCENARIO_TIMEOUT_MS = 30_000;
/** Firefox takes 2 s to start on an idle 2-core machine, and 20 s on one shared by a dozen jobs. */
export const BROWSER_LAUNCH_MS = 60_000;

export interface Scenario {
  title: string;
  body: (world: World) => Promise<void>;
  timeout: number;
  /** Engines that cannot run it, each with the reason (reported as a skip, never as a pass). */
  cannot: Partial<Record<EngineName, string>>;
}

export interface ScenarioOptions {
  timeout?: number;
  cannot?: Partial<Record<EngineName, string>>;
}

/** The scenarios, in the order their files were imported. */
export const SCENARIOS: Scenario[] = [];

export function scenario(title: string, body: (world: World) => Promise<void>, options: ScenarioOptions = {}): void {
  SCENARIOS.push({ title, body, timeout: options.timeout ?? SCENARIO_TIMEOUT_MS, cannot: options.cannot ?? {} });
}

/**
 * A policy that makes a breaker trip after a handful of calls and stay open for the rest of the
 * test: the breaker shortens its open period by up to half at random, so the 1.5 s this once had
 * could end 0.75 s after the trip, and on a loaded machine the call a test made next to see it
 * refused went out as the half-open probe (cache.spec's 503 case, once in 7 runs, beside a busy
 * loop). A test that needs the breaker to recover sets its own openMs and polls for half-open.
 */
export function fastBreaker(origin: string, overrides: Record<string, unknown> = {}): LiveConfig {
  return {
    policy: {
      origins: {
        [origin]: { retry: { maxRetries: 0 }, breaker: { minimumCalls: 4, failureRateThreshold: 0.5, openMs: 30_000, maxOpenMs: 60_000 }, ...overrides },
      },
    },
  };
}

/** Resolves once `check` returns true, polling; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(50);
  }
}
