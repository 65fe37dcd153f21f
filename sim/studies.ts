import { DEFAULT_FLEET, type FleetConfig } from './fleet.js';

/** One table of the report: a fleet set-up, the scenarios it meets and the clients compared. */
export interface Study {
  id: string;
  title: string;
  config: FleetConfig;
  scenarios: string[];
  kindIds: string[];
}

/** What `npm run sim:fleet` runs with no arguments. */
export const DEFAULT_STUDIES: readonly Study[] = [
  {
    id: 'active',
    title: 'Active users: 1 call/s per browser',
    config: DEFAULT_FLEET,
    scenarios: ['dip', 'outage', 'brownout'],
    kindIds: ['ours', 'ours-tuned', 'ky', 'naive3', 'none'],
  },
  {
    // A browser calling every 5 s never fills its breaker's window (10 calls in 10 s), and its
    // retry budget's floor (3/s) is never the binding limit: what the fleet does then.
    id: 'quiet',
    title: 'Quieter users: 0.2 call/s per browser (the breaker cannot see enough calls)',
    config: { ...DEFAULT_FLEET, callsPerClientPerSecond: 0.2, sample: 0.06 },
    scenarios: ['dip'],
    kindIds: ['ours', 'ours-tuned', 'naive3', 'none'],
  },
  {
    id: 'retry-after',
    title: 'The dead backend answers 503 with Retry-After: 5',
    config: { ...DEFAULT_FLEET, retryAfterSeconds: 5 },
    scenarios: ['outage'],
    kindIds: ['ours', 'ours-tuned', 'ky'],
  },
  {
    // The one way found to meet both "≤ 1% probe load" and "fresh within 3 s of the return":
    // the server, which alone knows when it will be back, says so.
    id: 'announced',
    title: 'An announced outage: the front end answers 503 with Retry-After: the seconds until the backend is back',
    config: { ...DEFAULT_FLEET, retryAfterSeconds: 'until-return' },
    scenarios: ['outage'],
    kindIds: ['ours', 'ours-long-pause', 'ky'],
  },
];

export function describeSetup(config: FleetConfig, clients: number): string {
  return (
    `${config.fleetSize.toLocaleString('en')} browsers (${clients} simulated, each with its own engine: sample ${config.sample}), ` +
    `${config.callsPerClientPerSecond} call/s each (Poisson), backend capacity ${config.headroom}× normal load, ` +
    `FIFO queue of ${config.queueSeconds} s of work, ${config.baseLatencyMs} ms base latency, ` +
    `${retryAfterText(config.retryAfterSeconds)}, seed ${config.seed}`
  );
}

function retryAfterText(setting: FleetConfig['retryAfterSeconds']): string {
  if (setting === undefined) return 'no Retry-After';
  if (setting === 'until-return') return 'Retry-After on 503s: the seconds until the backend is back';
  return `Retry-After: ${setting} on 503s`;
}
