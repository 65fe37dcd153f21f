// A node:test reporter for the cross-engine scenarios: one line per scenario, then per-engine
// counts (with the version each browser reported), and the same counts as JSON in
// $RF_RESULTS_DIR/engines.json for scripts/summarize-results.mjs. An engine whose browser is
// not installed shows as SKIPPED with the reason, never as passed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const ENGINES = ['chromium', 'firefox', 'webkit'];

function engineRecord(name) {
  return { engine: name, version: null, passed: 0, failed: 0, skipped: 0, skipReason: null, durationMs: 0, failures: [], skips: [] };
}

/** The message a reader needs: the assertion's own, not node:test's wrapper around it. */
function reason(error) {
  let inner = error?.cause ?? error;
  let text = inner instanceof Error ? `${inner.name}: ${inner.message}` : String(inner);
  // An error with a cause of its own (a browser that did not start: why) says both.
  if (inner instanceof Error && inner.cause !== undefined) text += ` (${(inner.cause instanceof Error ? inner.cause.message : String(inner.cause)).trim().split('\n')[0]})`;
  return text.split('\n').slice(0, 6).join('\n      ');
}

export default async function* engineReporter(source) {
  const records = new Map();
  const other = { passed: 0, failed: 0, failures: [] };
  let current = null;
  const record = (name) => {
    if (!records.has(name)) records.set(name, engineRecord(name));
    return records.get(name);
  };

  for await (const { type, data } of source) {
    if (type === 'test:start' && data.nesting === 0) {
      current = ENGINES.includes(data.name) ? data.name : null;
      if (current) yield `\n${current}\n`;
      continue;
    }
    if (type === 'test:diagnostic') {
      const m = /^engine (\S+) (.+)$/.exec(data.message);
      if (m && ENGINES.includes(m[1])) record(m[1]).version = m[2];
      continue;
    }
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const suite = data.details?.type === 'suite';
    if (data.nesting === 0 && suite && ENGINES.includes(data.name)) {
      record(data.name).durationMs = Math.round(data.details.duration_ms);
      continue;
    }
    const inEngine = data.nesting === 1 && current !== null;
    const target = inEngine ? record(current) : other;
    const ms = `${(data.details.duration_ms / 1000).toFixed(1)} s`;
    if (data.skip === 'test name does not match pattern') continue; // --test-name-pattern: not run, not news
    if (data.skip !== undefined) {
      target.skipped++;
      // A browser that is not installed skips every scenario for one reason: said once. A
      // scenario an engine cannot run says which, and why.
      const whole = String(data.skip).includes(' not installed: ');
      if (!whole) {
        target.skips?.push({ scenario: data.name, reason: String(data.skip) });
        yield `  - ${data.name}: SKIPPED (${data.skip})\n`;
      } else if (target.skipReason !== String(data.skip)) yield `  - SKIPPED: ${data.skip}\n`;
      target.skipReason = String(data.skip);
    } else if (type === 'test:pass') {
      target.passed++;
      yield `  ✔ ${data.name} (${ms})\n`;
    } else if (!suite || !inEngine) {
      target.failed++;
      target.failures.push({ scenario: data.name, error: reason(data.details.error) });
      yield `  ✖ ${data.name} (${ms})\n      ${reason(data.details.error)}\n`;
    }
  }

  const engines = ENGINES.filter((e) => records.has(e)).map((e) => records.get(e));
  let summary = '\ncross-engine scenarios:\n';
  for (const r of engines) {
    const label = `  ${r.engine}${r.version ? ` ${r.version}` : ''}`;
    if (r.skipped > 0 && r.skips.length === 0 && r.passed === 0 && r.failed === 0) summary += `${label}: SKIPPED (${r.skipReason})\n`;
    else summary += `${label}: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''} in ${(r.durationMs / 1000).toFixed(1)} s\n`;
    for (const f of r.failures) summary += `    failed: ${f.scenario}\n`;
    for (const k of r.skips) summary += `    skipped: ${k.scenario} (${k.reason})\n`;
  }
  if (other.failed > 0) summary += `  outside any engine: ${other.failed} failed (${other.failures.map((f) => `${f.scenario}: ${f.error}`).join('; ')})\n`;
  yield summary;

  const dir = process.env.RF_RESULTS_DIR;
  if (dir) {
    const total = (key) => engines.reduce((n, r) => n + r[key], 0) + (other[key] ?? 0);
    const report = { passed: total('passed'), failed: total('failed'), skipped: total('skipped'), engines, other };
    writeFileSync(path.join(dir, 'engines.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
}
