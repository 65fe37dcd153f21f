/**
 * What every contender shares: the Contender shape, the in-memory fake transport (a pre-built
 * body-less Response, resolved at once) and the small HTTP helpers the peers are written with.
 */
export type Op = () => Promise<unknown>;

export interface Contender {
  /** Row label. */
  name: string;
  /** Which family it belongs to, for ratios: bare | ours | cockatiel | opossum. */
  kind: 'bare' | 'ours' | 'cockatiel' | 'opossum';
  op: Op;
  /** Checked once before timing: throws if the op does not do what the scenario claims. */
  verify: () => Promise<void>;
  /** Frees timers (opossum keeps intervals per breaker). */
  dispose?: () => void;
}

export const URL_OK = 'https://api.example.com/v1/items?page=1';

// Built once, returned to every call: a body-less Response can be handed out any number of times.
const OK = new Response(null, { status: 200, statusText: 'OK' });
const FAIL = new Response(null, { status: 500, statusText: 'Internal Server Error' });

export class FakeTransport {
  failing = false;
  calls = 0;
  readonly fetch = (_input: RequestInfo | URL, _init?: RequestInit): Promise<Response> => {
    this.calls++;
    return Promise.resolve(this.failing ? FAIL : OK);
  };
}

export const RETRY_ON = new Set([408, 429, 500, 502, 503, 504]);
export const isFailureStatus = (s: number) => (s >= 500 && s !== 501) || s === 408 || s === 429;
export const statusOf = (r: unknown) => (r as Response).status;

/**
 * The origin of an absolute URL, for the peers' per-origin Map. Users would typically write
 * `new URL(url).origin` (about 1 µs); we give the peers a cheap slice instead so the comparison
 * is about the resilience mechanics, not URL parsing. (Ours does its own, memoized.)
 */
export function cheapOrigin(url: string): string {
  const end = url.indexOf('/', url.indexOf('://') + 3);
  return end === -1 ? url : url.slice(0, end);
}

export const swallow = () => undefined;

export function expectStatus(res: Response, status: number): void {
  if (res.status !== status) throw new Error(`expected status ${status}, got ${res.status}`);
}

/** A contender by a short name (bench:profile's argument). */
