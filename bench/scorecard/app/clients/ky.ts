import ky, { HTTPError } from 'ky';
import { readJson, type ScorecardClient } from '../client.js';

/**
 * ky 2 with its defaults: 2 retries for GET/PUT/HEAD/DELETE/OPTIONS/TRACE on network errors and
 * 408/413/429/500/502/503/504 (Retry-After honoured), 10 s timeout, throws on non-2xx.
 */
export const kyClient: ScorecardClient = {
  async setup() {},
  async call(call, init) {
    try {
      const res = await ky(call.path, init as Parameters<typeof ky>[1]);
      return { status: res.status, body: await readJson(res) };
    } catch (e) {
      if (e instanceof HTTPError) return { status: e.response.status, body: await readJson(e.response) };
      throw e;
    }
  },
};
