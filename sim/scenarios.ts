/** What happens to the backend's capacity, and when it is whole again. */
export interface Scenario {
  id: string;
  title: string;
  /** When the trouble starts and when full capacity is back (ms since start). */
  failsAtMs: number;
  returnsAtMs: number;
  durationMs: number;
  /** Share of nominal capacity at a time (ms since start); 0 is down. */
  capacityShare(elapsedMs: number): number;
}

/** Long enough for every breaker window and budget to fill before anything fails. */
const WARM_UP_MS = 15_000;
/** Long enough after capacity returns to tell a slow recovery from none (a metastable state). */
const AFTER_MS = 60_000;

function step(id: string, title: string, downForMs: number, share: number): Scenario {
  const returnsAtMs = WARM_UP_MS + downForMs;
  return {
    id,
    title,
    failsAtMs: WARM_UP_MS,
    returnsAtMs,
    durationMs: returnsAtMs + AFTER_MS,
    capacityShare: (t) => (t >= WARM_UP_MS && t < returnsAtMs ? share : 1),
  };
}

/** Capacity drops to 30% for 30 s, then is whole again. */
export const dip = step('dip', 'capacity dips to 30% for 30 s', 30_000, 0.3);

/** The backend is down for 60 s: its front end answers 503 at once. */
export const outage = step('outage', 'full outage for 60 s', 60_000, 0);

const SLIDE_MS = 45_000;
const HOLD_MS = 15_000;

/** Capacity slides from 100% to 30% over 45 s, stays there 15 s, then is whole again. */
export const brownOut: Scenario = {
  id: 'brownout',
  title: 'slow brown-out: 100% → 30% over 45 s, 15 s at 30%',
  failsAtMs: WARM_UP_MS,
  returnsAtMs: WARM_UP_MS + SLIDE_MS + HOLD_MS,
  durationMs: WARM_UP_MS + SLIDE_MS + HOLD_MS + AFTER_MS,
  capacityShare(t) {
    if (t < WARM_UP_MS || t >= WARM_UP_MS + SLIDE_MS + HOLD_MS) return 1;
    return Math.max(0.3, 1 - (0.7 * (t - WARM_UP_MS)) / SLIDE_MS);
  },
};

export const ALL_SCENARIOS: readonly Scenario[] = [dip, outage, brownOut];

export function scenarioById(id: string): Scenario {
  const scenario = ALL_SCENARIOS.find((s) => s.id === id);
  if (scenario === undefined) throw new TypeError(`sim: unknown scenario ${JSON.stringify(id)} (known: ${ALL_SCENARIOS.map((s) => s.id).join(', ')})`);
  return scenario;
}
