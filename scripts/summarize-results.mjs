// Prints one plain "N passed, N failed" line for CI from the Vitest and Playwright JSON reports
// (CI reads that line; Playwright's own summary is not one it knows).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;

const unit = path.join(dir, 'unit.json');
if (existsSync(unit)) {
  const report = JSON.parse(readFileSync(unit, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
}

const e2e = path.join(dir, 'e2e.json');
if (existsSync(e2e)) {
  const { stats } = JSON.parse(readFileSync(e2e, 'utf8'));
  passed += stats.expected + stats.flaky;
  failed += stats.unexpected;
  skipped += stats.skipped;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
