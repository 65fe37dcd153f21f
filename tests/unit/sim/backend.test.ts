import { describe, expect, it } from 'vitest';
import { Backend, type BackendConfig } from '../../../sim/backend.js';
import { RunMetrics } from '../../../sim/metrics.js';
import { VirtualTime } from '../../../sim/virtual-time.js';

/** A backend of 10 requests/s (100 ms of work each), 50 ms round trip, on a fresh clock. */
function setup(overrides: Partial<BackendConfig> = {}) {
  const time = new VirtualTime();
  const metrics = new RunMetrics(1000, 10_000, 1, 5_000);
  const backend = new Backend({ capacityPerSecond: 10, capacityShare: () => 1, queueLimit: 10, baseLatencyMs: 50, ...overrides }, time, metrics);
  const answers: { at: number; status: number; retryAfter: string | null }[] = [];
  const send = (signal?: AbortSignal) =>
    backend.fetch('https://api.test/', { signal }).then(
      (r) => answers.push({ at: time.elapsed(), status: r.status, retryAfter: r.headers.get('retry-after') }),
      () => answers.push({ at: time.elapsed(), status: 0, retryAfter: null }),
    );
  return { time, metrics, backend, answers, send };
}

const total = (values: Float64Array) => values.reduce((a, b) => a + b, 0);

describe('Backend (the simulated server)', () => {
  it('serves one request at a time at its capacity: latency grows with the queue', async () => {
    const { time, answers, send } = setup();
    for (let i = 0; i < 3; i++) void send();
    await time.runUntil(1_000);
    expect(answers.map((a) => [a.at, a.status])).toEqual([[150, 200], [250, 200], [350, 200]]);
  });

  it('sheds arrivals past its queue limit with a 503 at once, carrying Retry-After when configured', async () => {
    const { time, metrics, answers, send } = setup({ queueLimit: 1, retryAfterSeconds: () => 7 });
    for (let i = 0; i < 3; i++) void send(); // the first is in service, the second waits, the third is shed
    await time.runUntil(1_000);
    expect(answers.map((a) => [a.at, a.status, a.retryAfter])).toEqual([[50, 503, '7'], [150, 200, null], [250, 200, null]]);
    expect(total(metrics.shed.values)).toBe(1);
  });

  it('works on a request whose client gave up, and counts that work as wasted', async () => {
    const { time, metrics, answers, send } = setup();
    const controller = new AbortController();
    void send();
    void send(controller.signal);
    time.setTimeout(() => controller.abort(new Error('timed out')), 120);
    await time.runUntil(1_000);
    expect(answers.map((a) => [a.at, a.status])).toEqual([[120, 0], [150, 200]]); // the abort rejects at once
    expect(total(metrics.useful.values)).toBe(1);
    expect(total(metrics.wasted.values)).toBe(1); // served at 200 ms all the same
  });

  it('when down, answers 503 at once and loses what it held', async () => {
    let share = 1;
    const { time, answers, send } = setup({ capacityShare: () => share });
    void send();
    void send(); // waits behind the first
    time.setTimeout(() => {
      share = 0;
      void send();
    }, 60);
    await time.runUntil(1_000);
    expect(answers.map((a) => [a.at, a.status]).sort((a, b) => a[0]! - b[0]!)).toEqual([[110, 503], [110, 503], [150, 200]]);
  });

  it('slows down with its capacity share', async () => {
    const { time, answers, send } = setup({ capacityShare: () => 0.5 });
    void send();
    await time.runUntil(1_000);
    expect(answers[0]?.at).toBe(250); // 200 ms of work at half capacity + 50 ms
  });
});
