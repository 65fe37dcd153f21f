/** opossum 10 as its users would write it, on the shared fake transport. */
import CircuitBreaker from 'opossum';
import { FakeTransport, URL_OK, cheapOrigin, expectStatus, isFailureStatus, swallow, type Contender } from '../transport.js';

type OpossumBreaker = CircuitBreaker<[string], Response>;

function opossumClient(t: FakeTransport, options: CircuitBreaker.Options) {
  const breakers = new Map<string, OpossumBreaker>();
  // What users write: the action throws on a failure status so the breaker counts it.
  const action = async (url: string): Promise<Response> => {
    const res = await t.fetch(url);
    if (isFailureStatus(res.status)) throw new Error(`HTTP ${res.status}`);
    return res;
  };
  const forOrigin = (url: string): OpossumBreaker => {
    const origin = cheapOrigin(url);
    let breaker = breakers.get(origin);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(action, options);
      breakers.set(origin, breaker);
    }
    return breaker;
  };
  const ofetch = (url: string): Promise<Response> => forOrigin(url).fire(url);
  const dispose = () => {
    for (const b of breakers.values()) b.shutdown();
  };
  return { ofetch, forOrigin, dispose };
}

const OPOSSUM_PIPELINE: CircuitBreaker.Options = {
  timeout: 10_000,
  errorThresholdPercentage: 50,
  resetTimeout: 5_000,
  rollingCountTimeout: 10_000,
  rollingCountBuckets: 10,
  volumeThreshold: 10,
  capacity: 6,
};

export function opossumPipeline(): Contender {
  const t = new FakeTransport();
  const { ofetch, dispose } = opossumClient(t, OPOSSUM_PIPELINE);
  return {
    name: 'opossum: breaker + timeout + capacity',
    kind: 'opossum',
    op: () => ofetch(URL_OK),
    verify: async () => expectStatus(await ofetch(URL_OK), 200),
    dispose,
  };
}

export function opossumBreakerOnly(): Contender {
  const t = new FakeTransport();
  const { ofetch, dispose } = opossumClient(t, { ...OPOSSUM_PIPELINE, timeout: false, capacity: undefined });
  return {
    name: 'opossum: breaker alone (timeout: false)',
    kind: 'opossum',
    op: () => ofetch(URL_OK),
    verify: async () => expectStatus(await ofetch(URL_OK), 200),
    dispose,
  };
}

export function opossumOpen(): Contender {
  const t = new FakeTransport();
  const { ofetch, forOrigin, dispose } = opossumClient(t, { ...OPOSSUM_PIPELINE, resetTimeout: 600_000 });
  forOrigin(URL_OK).open();
  return {
    name: 'opossum: open → OpenCircuitError',
    kind: 'opossum',
    op: () => ofetch(URL_OK).then(undefined, swallow),
    verify: async () => {
      const before = t.calls;
      try {
        await ofetch(URL_OK);
      } catch (error) {
        if ((error as { code?: string }).code !== 'EOPENBREAKER') throw error;
        if (t.calls !== before) throw new Error('opossum: open breaker touched the transport');
        return;
      }
      throw new Error('opossum: expected EOPENBREAKER');
    },
    dispose,
  };
}
