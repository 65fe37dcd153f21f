import { Backend } from './backend.js';
import type { ClientKind } from './clients.js';
import { RunMetrics, type Series } from './metrics.js';
import { exponentialMs, seededRandom, streamSeed } from './prng.js';
import type { Scenario } from './scenarios.js';
import { VirtualTime } from './virtual-time.js';

export interface FleetConfig {
  seed: number;
  /** Browsers in the fleet. */
  fleetSize: number;
  /**
   * Share of them simulated, each with its own engine (0..1]. The backend's capacity and queue
   * are scaled by the same share, so queue waits (backlog / capacity) are those of the whole
   * fleet; counts are scaled back up for the report. Each simulated client is exact; sampling
   * only adds noise to the sums.
   */
  sample: number;
  /** Calls per second each browser makes (a Poisson process, independent of answers). */
  callsPerClientPerSecond: number;
  /** Nominal capacity as a multiple of the normal load. */
  headroom: number;
  /** The backend's queue limit, in seconds of work at nominal capacity. */
  queueSeconds: number;
  baseLatencyMs: number;
  /**
   * `Retry-After` the backend's front end sends on its 503s: a fixed number of seconds, or
   * `until-return`, the seconds until the backend is whole again (a maintenance window or a
   * deploy the front end knows the end of; nothing once it is back). Undefined: none.
   */
  retryAfterSeconds?: number | 'until-return';
  binMs: number;
}

export const DEFAULT_FLEET: FleetConfig = {
  seed: 1,
  fleetSize: 10_000,
  sample: 0.03,
  callsPerClientPerSecond: 1,
  headroom: 1.5,
  queueSeconds: 20,
  baseLatencyMs: 50,
  binMs: 1000,
};

/** What one run measured, scaled to the whole fleet; plain data (it crosses process boundaries). */
export interface RunData {
  scenarioId: string;
  kindId: string;
  /** Browsers simulated, each with its own engine. */
  clients: number;
  /** Fleet browsers each simulated one stands for. */
  scale: number;
  binMs: number;
  /** Nominal capacity of the whole fleet's backend, requests per second. */
  capacityPerSecond: number;
  /** Per bin, per second, whole fleet: see RunMetrics for what each counts. */
  series: Record<'demand' | 'fresh' | 'arrivals' | 'useful' | 'wasted' | 'shed', number[]>;
  /** Per simulated client: ms from capacity returning to its first fresh answer (NaN: none). */
  firstFreshAfterReturnMs: number[];
  events: number;
  wallMs: number;
}

const URL_OF_THE_API = 'https://api.example.test/items';

/** One scenario with one kind of client across the fleet, from a seed. */
export async function runFleet(scenario: Scenario, kind: ClientKind, config: FleetConfig): Promise<RunData> {
  const started = performance.now();
  const clients = Math.max(1, Math.round(config.fleetSize * config.sample));
  const scale = config.fleetSize / clients;
  const normalLoad = clients * config.callsPerClientPerSecond;
  const time = new VirtualTime();
  const metrics = new RunMetrics(config.binMs, scenario.durationMs, clients, scenario.returnsAtMs);
  const capacityPerSecond = normalLoad * config.headroom;
  const backend = new Backend(
    {
      capacityPerSecond,
      capacityShare: (t) => scenario.capacityShare(t),
      queueLimit: Math.round(capacityPerSecond * config.queueSeconds),
      baseLatencyMs: config.baseLatencyMs,
      retryAfterSeconds: retryAfterOf(config, scenario),
    },
    time,
    metrics,
  );
  for (let client = 0; client < clients; client++) {
    // Arrivals and the client's own randomness come from separate streams, so every kind of
    // client faces the very same calls at the very same instants (common random numbers).
    const arrivals = seededRandom(streamSeed(config.seed, 2 * client));
    const call = kind.create({ transport: backend.fetch, time, random: seededRandom(streamSeed(config.seed, 2 * client + 1)) });
    const url = `${URL_OF_THE_API}/${client}`;
    const next = () => {
      const now = time.elapsed();
      if (now >= scenario.durationMs) return;
      metrics.demand.add(now);
      void call(url).then((outcome) => metrics.callEnded(client, outcome, time.elapsed()));
      time.setTimeout(next, exponentialMs(arrivals, config.callsPerClientPerSecond));
    };
    time.setTimeout(next, exponentialMs(arrivals, config.callsPerClientPerSecond));
  }
  await time.runUntil(scenario.durationMs);
  const perSecond = (series: Series) => series.perSecond(scale);
  return {
    scenarioId: scenario.id,
    kindId: kind.id,
    clients,
    scale,
    binMs: config.binMs,
    capacityPerSecond: capacityPerSecond * scale,
    series: {
      demand: perSecond(metrics.demand),
      fresh: perSecond(metrics.fresh),
      arrivals: perSecond(metrics.arrivals),
      useful: perSecond(metrics.useful),
      wasted: perSecond(metrics.wasted),
      shed: perSecond(metrics.shed),
    },
    firstFreshAfterReturnMs: Array.from(metrics.firstFreshAfterReturn),
    events: time.events,
    wallMs: performance.now() - started,
  };
}

function retryAfterOf(config: FleetConfig, scenario: Scenario): ((elapsedMs: number) => number | undefined) | undefined {
  const setting = config.retryAfterSeconds;
  if (setting === undefined) return undefined;
  if (setting !== 'until-return') return () => setting;
  return (t) => (t < scenario.returnsAtMs ? Math.max(1, Math.ceil((scenario.returnsAtMs - t) / 1000)) : undefined);
}
