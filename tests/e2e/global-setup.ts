import { buildApp } from '../../scripts/build-app.js';

/** Builds the harness app once per run, as a user would ship it (module and classic workers). */
export default async function globalSetup(): Promise<void> {
  await buildApp({ root: 'tests/e2e/app', outDir: 'dist-e2e', workers: { 'sw-workbox': '../workbox/sw.ts' } });
}
