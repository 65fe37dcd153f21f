// Prints one plain "N passed, N failed" line for CI from the Vitest, Playwright and cross-engine
// JSON reports (CI reads that line; the runners' own summaries are not ones it knows).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;

function read(name) {
  const file = path.join(dir, name);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

const unit = read('unit.json');
if (unit) {
  passed += unit.numPassedTests;
  failed += unit.numFailedTests;
  skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
}

const e2e = read('e2e.json');
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}

// tests/e2e/engines/reporter.mjs: the scenarios in Chromium, Firefox and WebKit.
const engines = read('engines.json');
if (engines) {
  passed += engines.passed;
  failed += engines.failed;
  skipped += engines.skipped;
}

// `npm test`'s own exit status (second argument): a stage that is not a counted suite (typecheck,
// size budgets) or a runner that crashed must not close the run as "0 failed".
const status = Number(process.argv[3] ?? 0);
if (status !== 0 && failed === 0) {
  failed = 1;
  console.error(`npm test exited with ${status} outside the counted tests (typecheck, size budgets, or a runner that stopped): counted as 1 failed`);
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
