/**
 * Reports an error that was isolated so a call could go on (a throwing listener, tracer, cache or
 * fallback handler): `reportError` where the platform has it (pages and workers: it reaches
 * `onerror` and the console like an uncaught error), else `console.error`. Never throws.
 */
export function reportError(error: unknown): void {
  try {
    const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
    if (typeof report === 'function') report(error);
    else console.error(error);
  } catch {
    // nothing left to tell it to
  }
}

/** The message of an error of unknown shape. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
