import { runFleet, DEFAULT_FLEET } from './fleet.js';
import { oursDefault, noRetry } from './kinds.js';
import { dip } from './scenarios.js';
const kind = process.argv[2] === 'none' ? noRetry : oursDefault;
const t = process.cpuUsage();
const r = await runFleet(dip, kind, { ...DEFAULT_FLEET, sample: 0.05 });
const c = process.cpuUsage(t);
console.log(kind.id, 'wall', Math.round(r.wallMs), 'cpu ms', Math.round((c.user + c.system) / 1000), 'events', r.events, 'µs/event', ((c.user + c.system) / r.events).toFixed(1));
