/// <reference lib="webworker" />
/**
 * Our worker as a user writes it, with the variant chosen by the script URL's query (as
 * tests/e2e/app/sw.ts does), so every registration is its own worker and one build serves all:
 *   ?nocache      fallback cache OFF (`cache: false`)
 * Default: installResilience with the default policy and the cache ON. Tracing is its own script
 * (sw-traced.ts): an app that does not trace does not ship OpenTelemetry, and evaluating it cost
 * every cold start ~2 ms here (bench/PROFILE.md, cold start).
 */
import { installResilience } from '../../src/sw/index.js';
import { installProbe } from './probe.js';

declare const self: ServiceWorkerGlobalScope;

const evaluatedMs = performance.now(); // the imports above have been evaluated by now
const params = new URL(self.location.href).searchParams;

(globalThis as unknown as { __rfExp?: Set<string> }).__rfExp = new Set((params.get('exp') ?? '').split(','));
const probe = installProbe(evaluatedMs); // its fetch listener must come before ours
const installed = installResilience({ cache: params.has('nocache') ? false : {} });
probe.whenReady(installed.ready);
