// Shared by the runners: a mocha-like printout of a test report and the per-layer summary file
// that scripts/test-all.mjs adds up.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const color = process.stdout.isTTY || process.env.FORCE_COLOR ? (code, s) => `\x1b[${code}m${s}\x1b[0m` : (_c, s) => s;
export const green = (s) => color(32, s);
export const red = (s) => color(31, s);
export const cyan = (s) => color(36, s);
export const dim = (s) => color(90, s);

/**
 * Prints a report as mocha's spec reporter would, roughly.
 * @param {{ passes: {title: string, durationMs?: number}[], failures: {title: string, error: string, stack?: string}[], pending: {title: string}[], durationMs?: number }} report
 */
export function printReport(report) {
  for (const test of report.passes) console.log(`  ${green('✔')} ${test.title}${test.durationMs > 75 ? dim(` (${test.durationMs}ms)`) : ''}`);
  for (const test of report.pending) console.log(`  ${cyan('-')} ${test.title} ${cyan('(pending)')}`);
  report.failures.forEach((test, i) => console.log(`  ${red(`${i + 1})`)} ${test.title}`));
  console.log();
  console.log(`  ${green(`${report.passes.length} passing`)}${report.durationMs ? dim(` (${Math.round(report.durationMs)}ms)`) : ''}`);
  if (report.pending.length) console.log(`  ${cyan(`${report.pending.length} pending`)}`);
  if (report.failures.length) console.log(`  ${red(`${report.failures.length} failing`)}`);
  report.failures.forEach((test, i) => {
    console.log();
    console.log(`  ${i + 1}) ${test.title}`);
    console.log(red(`     ${(test.stack ?? test.error).split('\n').join('\n     ')}`));
  });
  console.log();
}

/**
 * Writes a layer summary ({passed, failed, pending, failures, durationMs}) when a path is given.
 * @param {string | undefined} path
 */
export function writeSummary(path, summary) {
  if (!path) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(summary, null, 2));
}

/**
 * The end of an extension-host run: prints the report under `heading`, writes the layer summary, prints the
 * one-line count as `label` and returns the exit code. A fatal suite error counts as a failure, and so does
 * a run in which no test ran.
 */
export function finishLayer(report, { heading, label, summaryFile, started }) {
  console.log(`\n  ${heading}`);
  printReport(report);
  const failed = report.failures.length + (report.fatal ? 1 : 0);
  if (report.fatal) console.log(red(`  suite could not run:\n${report.fatal}`));
  const ran = report.passes.length + report.failures.length;
  if (ran === 0) console.log(red('  no test ran: counted as a failure'));
  writeSummary(summaryFile, {
    passed: report.passes.length,
    failed: failed + (ran === 0 ? 1 : 0),
    pending: report.pending.length,
    failures: report.failures.map(({ title, error }) => ({ title, error })),
    durationMs: Date.now() - started,
  });
  console.log(`${label}: ${report.passes.length} passed, ${failed} failed, ${report.pending.length} pending in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed === 0 && ran > 0 ? 0 : 1;
}

/** Value of `--name value` or `--name=value` in argv. */
export function argValue(argv, name) {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
}
