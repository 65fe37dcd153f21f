import { readJson, type ScorecardClient } from '../client.js';

/** The baseline: `fetch` as it is, no worker. */
export const plainFetch: ScorecardClient = {
  async setup() {},
  async call(call, init) {
    const res = await fetch(call.path, init);
    return { status: res.status, body: await readJson(res) };
  },
};
