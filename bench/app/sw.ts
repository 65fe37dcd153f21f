/// <reference lib="webworker" />
/**
 * Our worker as a user writes it, with the variant chosen by the script URL's query (as
 * tests/e2e/app/sw.ts does), so every registration is its own worker and one build serves all:
 *   ?otlp=<url>   tracing ON, exported to that OTLP/HTTP endpoint (setupWorkerTracing)
 *   ?nocache      fallback cache OFF (`cache: false`)
 * Default: installResilience with the default policy and the cache ON, tracing off.
 */
import { installResilience } from '../../src/sw/index.js';
import { setupWorkerTracing } from '../../src/telemetry/worker.js';
import { installProbe } from './probe.js';

declare const self: ServiceWorkerGlobalScope;

const evaluatedMs = performance.now(); // the imports above have been evaluated by now
const params = new URL(self.location.href).searchParams;
const otlp = params.get('otlp');

const probe = installProbe(evaluatedMs); // its fetch listener must come before ours
const installed = installResilience({
  cache: params.has('nocache') ? false : {},
  ...(otlp !== null ? { telemetry: setupWorkerTracing({ serviceName: 'bench-worker', endpoint: otlp }) } : {}),
});
probe.whenReady(installed.ready);
