import { describeResponse, registerResilience, resilientFetch } from '../../../../src/index.js';
import { readJson, type ScorecardClient } from '../client.js';

/** Ours: registerResilience + resilientFetch with the default policy, through our worker (sw-ours.ts → /sw.js). */
export const oursClient: ScorecardClient = {
  async setup() {
    await registerResilience({ scriptURL: '/sw.js', type: 'module' });
  },
  async call(call, init) {
    const res = await resilientFetch(call.path, init);
    const meta = describeResponse(res);
    return { status: res.status, body: await readJson(res), detail: `${meta.source}${meta.reason ? ` ${meta.reason}` : ''}` };
  },
};
