/** The parts of `location` telemetry reads; the same shape in a page (Location) and a worker (WorkerLocation). */
export interface RuntimeLocation {
  origin: string;
  href: string;
}

/**
 * The page's or worker's location, or undefined where there is none (Node: tests, SSR).
 * Read through `globalThis` because both DOM and WebWorker typings claim `location` always exists,
 * which is not true in Node.
 */
export function runtimeLocation(): RuntimeLocation | undefined {
  return (globalThis as { location?: RuntimeLocation }).location;
}
