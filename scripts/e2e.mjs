// `npm run test:e2e`: make sure the browsers are there (installing Debian's as root, or saying in
// one line what is missing), run the Playwright suite in Chromium, then the cross-engine scenarios
// (tests/e2e/engines) in Chromium, Firefox and WebKit, one engine after the other.
//   TEST_ENGINES=chromium,firefox,webkit   engines for the cross-engine scenarios (default all)
//   node scripts/e2e.mjs <playwright args>  only the Playwright suite, with those arguments
//   node scripts/e2e.mjs --engines-only     only the cross-engine scenarios
import { spawnSync } from 'node:child_process';
import { locate, provision, selectedEngines } from './find-browsers.mjs';

const args = process.argv.slice(2);
const enginesOnly = args.includes('--engines-only');
const playwrightArgs = args.filter((a) => a !== '--engines-only');
const runEngines = enginesOnly || playwrightArgs.length === 0;

let engines;
try {
  engines = runEngines ? selectedEngines() : [];
} catch (error) {
  console.error(`resilient-fetch: ${error.message}`);
  process.exit(1);
}

provision([...new Set([...(enginesOnly ? [] : ['chromium']), ...engines])]);
for (const engine of engines) {
  const { missing } = locate(engine);
  if (missing) console.error(`resilient-fetch: ${engine} is missing, its scenarios will be SKIPPED: ${missing}`);
}

function run(command, commandArgs, env = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

let status = 0;
if (!enginesOnly) {
  const chromium = locate('chromium');
  if (chromium.missing) {
    console.error(`resilient-fetch: end-to-end tests need Chromium: ${chromium.missing}, or set CHROMIUM_PATH.`);
    process.exit(1);
  }
  status = run('npx', ['playwright', 'test', ...playwrightArgs], { CHROMIUM_PATH: chromium.paths.chromium });
}
if (runEngines) {
  // After Playwright (not beside it): the machine has 2 cores, and browsers are heavy.
  const engineStatus = run(process.execPath, [
    '--import',
    'tsx',
    '--test-reporter=./tests/e2e/engines/reporter.mjs',
    'tests/e2e/engines/scenarios.test.ts',
  ], { TEST_ENGINES: engines.join(',') });
  status ||= engineStatus;
}
process.exit(status);
