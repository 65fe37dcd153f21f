/// <reference lib="webworker" />
/**
 * Our worker with tracing ON, exported to the OTLP/HTTP endpoint in the script URL's `?otlp=`
 * (setupWorkerTracing); otherwise as sw.ts.
 */
import { installResilience } from '../../src/sw/index.js';
import { setupWorkerTracing } from '../../src/telemetry/worker.js';
import { installProbe } from './probe.js';

declare const self: ServiceWorkerGlobalScope;

const evaluatedMs = performance.now(); // the imports above have been evaluated by now
const otlp = new URL(self.location.href).searchParams.get('otlp');
if (otlp === null) throw new TypeError('sw-traced.js needs ?otlp=<OTLP/HTTP traces URL>');

const probe = installProbe(evaluatedMs); // its fetch listener must come before ours
const installed = installResilience({ telemetry: setupWorkerTracing({ serviceName: 'bench-worker', endpoint: otlp }) });
probe.whenReady(installed.ready);
