// Mocha reporter: the usual `spec` output, plus a JSON summary written to the file named by the
// reporter option `summary` (or env TEST_SUMMARY_FILE), for scripts/test-all.mjs to add up.
// Usage: mocha --reporter ./scripts/mocha-summary-reporter.cjs --reporter-option summary=out.json
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const mochaModule = require('mocha');
const Mocha = mochaModule.default ?? mochaModule;
const { Spec } = Mocha.reporters;
const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options = {}) {
    super(runner, options);
    const file = options.reporterOption?.summary ?? options.reporterOptions?.summary ?? process.env.TEST_SUMMARY_FILE;
    const started = Date.now();
    const summary = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => summary.passed++);
    runner.on(EVENT_TEST_PENDING, () => summary.pending++);
    runner.on(EVENT_TEST_FAIL, (test, error) => {
      summary.failed++;
      summary.failures.push({ title: test.fullTitle(), error: String(error?.message ?? error) });
    });
    runner.once(EVENT_RUN_END, () => {
      if (!file) return;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ ...summary, durationMs: Date.now() - started }, null, 2));
    });
  }
}

module.exports = SummaryReporter;
