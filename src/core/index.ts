// `resilient-fetch/core`: the engine, for anywhere (Node too). The public surface only: internals
// (policy resolution, headers, helpers) may change between versions.
export { createResilientFetch } from './checked-create.js';
export type { CreateOptions } from './create-resilient-fetch.js';
export { describeResponse, type ResponseDescription } from './describe.js';
export { ResilienceError } from './errors.js';
export { DEFAULT_POLICY } from './defaults.js';
export type * from './types.js';
