/**
 * The fault model of the chaos upstream: what can be injected, its validation, and the pure
 * decision of what to do with one request. Kept apart from the HTTP server so the rules read in
 * one place and the order in which faults win is explicit.
 */

export interface ChaosFaults {
  /** 0..1: share of requests answered with `errorStatus`, drawn with `random()`. */
  errorRate: number;
  /** Status of injected errors (errorRate, failFirst). */
  errorStatus: number;
  /** Added before every answer (including injected errors). */
  latencyMs: number;
  /** Up to this much more latency, uniformly drawn. */
  jitterMs: number;
  /** Never answer; the request stays open until the client (or close()) ends it. */
  hang: boolean;
  /** Destroy the socket instead of answering: the client sees a network error. */
  reset: boolean;
  /** Every request answers 503. */
  outage: boolean;
  /** Sent as Retry-After on every injected error answer; `null` sends none. */
  retryAfter: string | null;
  /** Every request answers 429 with Retry-After (`retryAfter`, else '1'). */
  status429: boolean;
  /** Alternate healthy (`upMs`) and outage (`downMs`), starting healthy when set. */
  flap: null | { upMs: number; downMs: number };
  /** The next N requests answer `errorStatus`, then they succeed: deterministic retry tests. */
  failFirst: number;
}

export const DEFAULT_FAULTS: Readonly<ChaosFaults> = Object.freeze({
  errorRate: 0,
  errorStatus: 503,
  latencyMs: 0,
  jitterMs: 0,
  hang: false,
  reset: false,
  outage: false,
  retryAfter: null,
  status429: false,
  flap: null,
  failFirst: 0,
});

/** Which fault decided a request's fate; `null` for a normal answer. */
export type FaultName = 'reset' | 'hang' | 'outage' | 'flap' | '429' | 'failFirst' | 'errorRate';

/** What to do with one request, after `delayMs`. */
export type FaultDecision =
  | { action: 'reset'; fault: 'reset'; delayMs: number }
  | { action: 'hang'; fault: 'hang'; delayMs: number }
  | { action: 'error'; fault: FaultName; status: number; retryAfter: string | null; delayMs: number }
  | { action: 'ok'; fault: null; delayMs: number };

function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/**
 * Checks a partial fault config from a test or from `POST /__chaos`. Throws a TypeError naming
 * the field and the bad value, so a typo in a test fails loudly instead of injecting nothing.
 */
export function validateFaults(input: unknown): Partial<ChaosFaults> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TypeError(`faults must be an object, got ${JSON.stringify(input)}`);
  }
  const out: Partial<ChaosFaults> = {};
  for (const [key, value] of Object.entries(input)) {
    const bad = (): never => {
      throw new TypeError(`faults.${key}: invalid value ${JSON.stringify(value)}`);
    };
    switch (key) {
      case 'errorRate':
        if (!isNonNegative(value) || value > 1) bad();
        out.errorRate = value as number;
        break;
      case 'errorStatus':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 400 || value > 599) bad();
        out.errorStatus = value as number;
        break;
      case 'latencyMs':
      case 'jitterMs':
        if (!isNonNegative(value)) bad();
        out[key] = value as number;
        break;
      case 'failFirst':
        if (!isNonNegative(value) || !Number.isInteger(value)) bad();
        out.failFirst = value as number;
        break;
      case 'hang':
      case 'reset':
      case 'outage':
      case 'status429':
        if (typeof value !== 'boolean') bad();
        out[key] = value as boolean;
        break;
      case 'retryAfter':
        if (value !== null && (typeof value !== 'string' || value === '' || /[\r\n]/.test(value))) bad();
        out.retryAfter = value as string | null;
        break;
      case 'flap': {
        if (value === null) {
          out.flap = null;
          break;
        }
        const f = value as { upMs?: unknown; downMs?: unknown };
        if (typeof value !== 'object' || !isNonNegative(f.upMs) || !isNonNegative(f.downMs) || f.upMs + f.downMs <= 0) bad();
        out.flap = { upMs: f.upMs as number, downMs: f.downMs as number };
        break;
      }
      default:
        throw new TypeError(`faults.${key}: unknown fault`);
    }
  }
  return out;
}

/** Whether a flapping upstream is in its down phase `now`, counting from when flap was set. */
export function isFlapDown(flap: ChaosFaults['flap'], since: number, now: number): boolean {
  if (!flap) return false;
  const period = flap.upMs + flap.downMs;
  const phase = (((now - since) % period) + period) % period;
  return phase >= flap.upMs;
}

/**
 * Decides one request. Order of precedence: reset, hang, outage, flap, 429, failFirst,
 * errorRate; the first that applies wins. `failFirst` is only consumed by a request it fails,
 * which the caller records by decrementing it when `fault === 'failFirst'`.
 */
export function decide(
  faults: Readonly<ChaosFaults>,
  flapDown: boolean,
  random: () => number,
): FaultDecision {
  const delayMs = faults.latencyMs + (faults.jitterMs > 0 ? random() * faults.jitterMs : 0);
  if (faults.reset) return { action: 'reset', fault: 'reset', delayMs };
  if (faults.hang) return { action: 'hang', fault: 'hang', delayMs };
  if (faults.outage) return { action: 'error', fault: 'outage', status: 503, retryAfter: faults.retryAfter, delayMs };
  if (flapDown) return { action: 'error', fault: 'flap', status: 503, retryAfter: faults.retryAfter, delayMs };
  if (faults.status429) return { action: 'error', fault: '429', status: 429, retryAfter: faults.retryAfter ?? '1', delayMs };
  const retryAfter = faults.retryAfter;
  if (faults.failFirst > 0) return { action: 'error', fault: 'failFirst', status: faults.errorStatus, retryAfter, delayMs };
  if (faults.errorRate > 0 && random() < faults.errorRate) {
    return { action: 'error', fault: 'errorRate', status: faults.errorStatus, retryAfter, delayMs };
  }
  return { action: 'ok', fault: null, delayMs };
}
