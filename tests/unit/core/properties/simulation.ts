import { createResilientFetch, describeResponse, type Clock, type ResilienceEvent, type ResilientFetch } from '../../../../src/core/index.js';
import { A, FakeClock, FakeTransport, MemoryCache } from '../fakes.js';
import { replyFor, specFor, type Scenario, type Step } from './scenario.js';
import { seededRandom } from '../../../../bench/lib/seeded-random.js';

/** What one call did, seen from outside. */
export interface CallRecord {
  index: number;
  method: 'GET' | 'POST';
  startedAt: number;
  deadlineMs: number;
  maxAttempts: number;
  /** Requests that reached the transport for this call. */
  attempts: number;
  /** Wall-clock jumps while the call was open (time it could not observe). */
  jumpedMs: number;
  settledAt?: number;
  outcome?: string;
}

/** Everything the invariants are judged on. */
export interface Trace {
  calls: CallRecord[];
  /** Broken instant invariants, each with where and when. */
  violations: { invariant: 'in-flight' | 'queued' | 'breaker-open' | 'paused'; at: number; detail: string }[];
  /** Requests the upstream saw. */
  upstream: number;
  /** calls × (1 + budgetRatio) + the reserve and what successes earned back (see budgetBound). */
  budgetBound: number;
  /** Engine timers still pending each time every call made so far had settled: ms until each fires. */
  timersWhenIdle: { at: number; pending: number[] }[];
  /** Engine timers armed while no call was open (ms each). */
  armedWhileIdle: { at: number; ms: number }[];
  /** How many scenarios reached each kind of event (to see what the generator covers). */
  events: Record<string, number>;
  /** Errors thrown by our onEvent. */
  listenerErrors: number;
  /** Errors that escaped from an engine timer callback to the event loop (a crash in Node). */
  uncaught: string[];
  /** Errors rf.snapshot() threw at us (a listener error escaping through the state API). */
  snapshotErrors: string[];
  /** Once every call had settled and every timer had fired: slots held, calls queued, requests still open at the transport. */
  leftover: { inFlight: number; queued: number; atTransport: number };
}

/** Runs a scenario through the public API on the fake clock and transport, observing as it goes. */
export async function simulate(scenario: Scenario, listener: 'quiet' | 'throwing'): Promise<Trace> {
  return new Simulation(scenario, listener).run();
}

/**
 * The most requests the retry budget lets through (src/core/retry-budget.ts). Retries taken from
 * the ratio are counted in the same window as the calls, so over any run they total at most
 * budgetRatio × calls (by induction over windows: those before the current window are bounded
 * by the calls before it, those inside by the calls inside). The reserve starts with
 * budgetReserve retries and earns budgetRatio of one per success, so it gives at most
 * budgetReserve + budgetRatio × successes (`answered`: every response the upstream gave, a bound
 * on the successes).
 */
export function budgetBound(calls: number, ratio: number, reserve: number, answered: number): number {
  return calls + Math.floor(calls * ratio) + reserve + Math.floor(answered * ratio);
}

/** One engine, one fake clock and transport, one scenario; the observers record into `trace`. */
class Simulation {
  readonly trace: Trace = { calls: [], violations: [], upstream: 0, budgetBound: 0, timersWhenIdle: [], armedWhileIdle: [], events: {}, listenerErrors: 0, uncaught: [], snapshotErrors: [], leftover: { inFlight: 0, queued: 0, atTransport: 0 } };
  private readonly fake = new FakeClock();
  /** Wall-clock jumps so far: the engine's now() is the fake clock's plus this. */
  private skew = 0;
  /** The engine's own pending timers, with when each falls due (the transport's live on the same fake clock). */
  private readonly engineTimers = new Map<unknown, number>();
  private readonly transport: FakeTransport;
  private readonly rf: ResilientFetch;
  private readonly callSteps: Extract<Step, { kind: 'call' }>[] = [];
  private readonly controllers: AbortController[] = [];
  private readonly attemptsByUrl = new Map<string, number>();
  private readonly eventsOfType = new Map<string, number>();
  private inFlight = 0;
  private open = 0;
  /** Responses the upstream gave (the retry reserve is earned back by successes). */
  private answered = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly listener: 'quiet' | 'throwing',
  ) {
    // Each call's replies are indexed by its own attempts (not by every request the upstream saw).
    this.transport = new FakeTransport(this.fake).reply((request) => replyFor(this.stepOf(request.url), this.attemptsByUrl.get(request.url)! - 1, this.now()));
    this.rf = createResilientFetch({
      fetch: (input, init) => this.send(input, init),
      clock: this.engineClock(),
      random: seededRandom(scenario.randomSeed),
      onEvent: (event) => this.onEvent(event),
      policy: { defaults: scenario.policy },
      ...(scenario.cache ? { cache: new MemoryCache(this.fake) } : {}),
    });
  }

  async run(): Promise<Trace> {
    for (const step of this.scenario.steps) {
      await this.step(step);
      this.observe(`after ${step.kind}`, false);
    }
    // Long enough for every deadline, pause and open period to pass; idle time costs nothing.
    await this.fake.advance(60_000);
    const snap = this.rf.snapshot()[0];
    this.trace.leftover = { inFlight: snap?.inFlight ?? 0, queued: snap?.queued ?? 0, atTransport: this.inFlight };
    for (const call of this.trace.calls) call.attempts = this.attemptsOf(call);
    const { budgetRatio, budgetReserve } = this.scenario.policy.retry;
    this.trace.budgetBound = budgetBound(this.trace.calls.length, budgetRatio, budgetReserve, this.answered);
    return this.trace;
  }

  private now(): number {
    return this.fake.now() + this.skew;
  }

  private async step(step: Step): Promise<void> {
    if (step.kind === 'wait') return this.fake.advance(step.ms);
    if (step.kind === 'jump') {
      this.skew += step.ms;
      for (const call of this.trace.calls) if (call.settledAt === undefined) call.jumpedMs += step.ms;
      return;
    }
    if (step.kind === 'abort') this.controllers[step.target % this.controllers.length]?.abort();
    else this.call(step);
    await flushFew();
  }

  private call(step: Extract<Step, { kind: 'call' }>): void {
    const { policy } = this.scenario;
    const index = this.callSteps.push(step) - 1;
    const retries = step.method === 'POST' ? 0 : (step.options.retries ?? policy.retry.maxRetries);
    const call: CallRecord = { index, method: step.method, startedAt: this.now(), deadlineMs: step.options.deadlineMs ?? policy.deadlineMs, maxAttempts: 1 + retries, attempts: 0, jumpedMs: 0 };
    this.trace.calls.push(call);
    const controller = new AbortController();
    this.controllers.push(controller);
    this.open++;
    this.rf(`${A}/c${index}`, { method: step.method, signal: controller.signal, resilience: step.options }).then(
      (res) => {
        const d = describeResponse(res);
        this.settle(call, `${res.status} ${d.source}${d.reason ? ` ${d.reason}` : ''} attempts=${d.attempts ?? 1}`);
      },
      (error: unknown) => this.settle(call, `threw ${error instanceof Error ? `${error.name}: ${error.message.replace(/https?:\/\/\S+/, '<url>')}` : String(error)}`),
    );
  }

  private settle(call: CallRecord, outcome: string): void {
    call.settledAt = this.now();
    call.outcome = outcome;
    if (--this.open === 0) this.trace.timersWhenIdle.push({ at: this.now(), pending: [...this.engineTimers.values()].map((due) => due - this.fake.now()) });
  }

  /** The transport as the engine sees it: counts, observes the instant a request leaves, answers. */
  private send(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const url = input instanceof Request ? input.url : String(input);
    const attempt = this.attemptsByUrl.get(url) ?? 0;
    this.attemptsByUrl.set(url, attempt + 1);
    const fault = specFor(this.stepOf(url), attempt).kind;
    if (fault === 'throw') throw new TypeError('transport bug: threw instead of returning a promise');
    if (fault === 'nothing') return Promise.resolve(undefined as unknown as Response);
    this.trace.upstream++;
    this.inFlight++;
    this.observe(`request ${this.trace.upstream} (${url.slice(A.length)}) left`, true);
    const answer = this.transport.fetch(input, init);
    const done = () => void this.inFlight--;
    answer.then(() => (done(), this.answered++), done);
    return answer;
  }

  /** Checks the instant invariants against rf.snapshot() and the transport's own count. */
  private observe(where: string, leaving: boolean): void {
    const at = this.now();
    const { maxInFlight, maxQueue } = this.scenario.policy.concurrency;
    let snap;
    try {
      snap = this.rf.snapshot()[0];
    } catch (error) {
      this.trace.snapshotErrors.push(`${where}: ${String(error)}`); // judged by the listener properties
      return;
    }
    if (snap === undefined) return;
    const broken = (invariant: Trace['violations'][number]['invariant'], detail: string) => this.trace.violations.push({ invariant, at, detail: `${where}${detail}` });
    if (snap.inFlight > maxInFlight) broken('in-flight', `: snapshot inFlight ${snap.inFlight} > maxInFlight ${maxInFlight}`);
    if (this.inFlight > maxInFlight) broken('in-flight', `: ${this.inFlight} requests at the transport > maxInFlight ${maxInFlight}`);
    if (snap.queued > maxQueue) broken('queued', `: queued ${snap.queued} > maxQueue ${maxQueue}`);
    if (!leaving) return;
    if (snap.breaker.state === 'open') broken('breaker-open', ` while the breaker is open for ${snap.breaker.openUntil! - at} more ms`);
    if (snap.pausedUntil !== null) broken('paused', ` while the origin is paused for ${snap.pausedUntil - at} more ms`);
  }

  /** Counts what the engine reached; a throwing listener throws on the events the scenario picked. */
  private onEvent(event: ResilienceEvent): void {
    const kind = event.type === 'breaker' ? `breaker-${event.to}` : event.type === 'rejected' || event.type === 'failed' ? `${event.type}-${event.reason}` : event.type;
    this.trace.events[kind] = (this.trace.events[kind] ?? 0) + 1;
    if (this.listener === 'quiet') return;
    const n = this.eventsOfType.get(event.type) ?? 0;
    this.eventsOfType.set(event.type, n + 1);
    const throws = this.scenario.listenerThrows;
    if (throws[n % throws.length]) {
      this.trace.listenerErrors++;
      throw new Error(`listener fault on ${event.type} #${n}`);
    }
  }

  /** The fake clock plus wall-clock jumps, keeping its own timers apart from the transport's. */
  private engineClock(): Clock {
    return {
      now: () => this.now(),
      setTimeout: (fn, ms) => {
        const handle: unknown = this.fake.setTimeout(() => {
          this.engineTimers.delete(handle);
          try {
            fn();
          } catch (error) {
            this.trace.uncaught.push(`timer of ${ms} ms threw ${String(error)}`);
          }
        }, ms);
        this.engineTimers.set(handle, this.fake.now() + Math.max(0, ms));
        if (this.open === 0) this.trace.armedWhileIdle.push({ at: this.now(), ms });
        return handle;
      },
      clearTimeout: (handle) => {
        this.engineTimers.delete(handle);
        this.fake.clearTimeout(handle);
      },
    };
  }

  private stepOf(url: string): Extract<Step, { kind: 'call' }> {
    return this.callSteps[Number(url.slice(A.length + 2))]!;
  }

  private attemptsOf(call: CallRecord): number {
    return this.attemptsByUrl.get(`${A}/c${call.index}`) ?? 0;
  }
}

/**
 * Lets the promise chains a step started run on before time moves: microtask turns, not
 * macrotasks (each setImmediate is a trip through the event loop, which on the loaded machine
 * was most of the wall time). A chain longer than this just continues after the next step, an
 * ordering real traffic can produce too.
 */
async function flushFew(): Promise<void> {
  for (let i = 0; i < 16; i++) await Promise.resolve();
}

