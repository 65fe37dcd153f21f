/**
 * What the page learns at start: where the upstreams and the receiver are (/demo-config.json,
 * written by the demo server), the worker's script URL, and the demo's default policy.
 */
import type { PolicyConfig } from '../src/index.js';
import type { DemoConfig } from './server/demo-config.js';

export type { DemoConfig } from './server/demo-config.js';

export async function loadDemoConfig(): Promise<DemoConfig> {
  const res = await fetch('/demo-config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/demo-config.json answered ${res.status}; start the demo with "npm run demo"`);
  return (await res.json()) as DemoConfig;
}

/** The worker reads its OTLP endpoint and upstream origins from its own URL. */
export function workerScriptUrl(config: DemoConfig): string {
  const query = new URLSearchParams({ otlp: config.otlp.tracesUrl });
  for (const up of config.upstreams) query.append('up', up.url);
  return `/sw.js?${query}`;
}

/**
 * Tuned so that a person (and the e2e test) sees things happen within seconds: the breaker judges
 * the last 3 s (at least 5 calls) and stays open 3 s, then 6 s after a failed probe; attempts time
 * out at 2 s. Both upstreams are named, so the editor shows where per-origin overrides go.
 */
export function demoPolicy(config: DemoConfig): PolicyConfig {
  return {
    defaults: {
      timeoutMs: 2_000,
      deadlineMs: 8_000,
      breaker: {
        windowMs: 3_000,
        minimumCalls: 5,
        failureRateThreshold: 0.5,
        slowCallMs: 1_000,
        slowCallRateThreshold: 0.8,
        openMs: 3_000,
        maxOpenMs: 6_000,
        halfOpenProbes: 1,
      },
      concurrency: { maxInFlight: 6, maxQueue: 32 },
      retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 5_000, budgetRatio: 0.2, budgetReserve: 3 },
    },
    origins: Object.fromEntries(config.upstreams.map((up) => [new URL(up.url).origin, {}])),
  };
}
