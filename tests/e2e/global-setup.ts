import { rmSync } from 'node:fs';
import { buildApp } from '../../scripts/build-app.js';

/** Builds the harness app once per run, as a user would ship it (module and classic workers). */
export default async function globalSetup(): Promise<void> {
  rmSync('.adoption', { recursive: true, force: true }); // the throwaway apps of earlier runs
  process.env.RF_ADOPTION_RUN = `run-${Date.now()}`; // the adoption tests of this run share one packed tarball
  await buildApp({ root: 'tests/e2e/app', outDir: 'dist-e2e', workers: { 'sw-workbox': '../workbox/sw.ts' } });
}
