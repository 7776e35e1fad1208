#!/usr/bin/env node
// Runs the browser end-to-end tests (test/e2e/**/*.e2e.ts) with mocha + tsx: real VS Code
// (code-server), the built extension, the local AWS double and headless Chromium.
//
// Usage: node scripts/run-e2e.mjs [--no-build] [--summary <file>] [mocha args, e.g. --grep x]
// Env: see test/e2e/harness.ts (HEADED=1, UPDATE_SCREENSHOTS=1, E2E_KEEP=1, E2E_ECHO=1, ...).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, elapsed } from './codeServer.mjs';
import { ensureCodeServer } from './install-code-server.mjs';
import { leftoverProblem, makeRunTemp, removeRunTemp } from './tempFolders.mjs';
import { argValue, red, writeSummary } from './testReport.mjs';

const argv = process.argv.slice(2);
const summaryFile = argValue(argv, '--summary');
const ownArgs = new Set(['--no-build', '--summary']);
const mochaArgs = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--summary') i++;
  else if (!ownArgs.has(argv[i]) && !argv[i].startsWith('--summary=')) mochaArgs.push(argv[i]);
}

const started = Date.now();
function fail(message) {
  console.error(red(`e2e: ${message}`));
  writeSummary(summaryFile, { passed: 0, failed: 1, pending: 0, failures: [{ title: 'e2e run', error: message }] });
  process.exit(1);
}

if (!argv.includes('--no-build') && !process.env.AWS_SESSIONS_E2E_EXTENSION_PATH) {
  console.log('building the extension (node esbuild.config.mjs)');
  const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) fail('build failed');
}
try {
  ensureCodeServer();
} catch (error) {
  fail(String(error));
}

const mochaSummary = join(REPO_ROOT, 'test-results', 'e2e-mocha-summary.json');
rmSync(mochaSummary, { force: true });
// The run's own temp dir: the editors' roots (and in them each code-server's TMPDIR) go there, and it is
// removed at the end; what the tests left in it is a failure (E2E_KEEP=1 keeps everything).
const keep = process.env.E2E_KEEP === '1';
const runTemp = makeRunTemp('run');
const result = spawnSync(
  process.execPath,
  [
    '--import', 'tsx',
    join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--no-config',
    '--require', 'test/e2e/hooks.ts',
    '--spec', 'test/e2e/**/*.e2e.ts',
    '--timeout', process.env.E2E_TIMEOUT_MS ?? '180000',
    '--slow', '20000',
    process.stdout.isTTY ? '--color' : '--no-color',
    '--reporter', join(REPO_ROOT, 'scripts', 'mocha-summary-reporter.cjs'),
    '--reporter-option', `summary=${mochaSummary}`,
    ...mochaArgs,
  ],
  { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, TMPDIR: runTemp } },
);
const leftovers = keep ? undefined : leftoverProblem(runTemp, 'the browser end-to-end tests');
if (keep) console.log(`e2e: temp folders kept in ${runTemp}`);
else removeRunTemp(runTemp);
if (!existsSync(mochaSummary)) fail(`mocha ended (${result.status ?? result.signal}) without a report`);
const summary = JSON.parse(readFileSync(mochaSummary, 'utf8'));
const ran = summary.passed + summary.failed;
if (ran === 0) {
  console.error(red('e2e: no test ran: counted as a failure'));
  summary.failed += 1;
}
// mocha exits non-zero on a hook failure even when no test is marked failed.
if (result.status !== 0 && summary.failed === 0) summary.failed += 1;
if (leftovers) {
  console.error(red(`e2e: ${leftovers}`));
  summary.failed += 1;
  summary.failures = [...(summary.failures ?? []), { title: 'e2e temp folders', error: leftovers }];
}
summary.durationMs = Date.now() - started;
writeSummary(summaryFile, summary);
console.log(`e2e tests: ${summary.passed} passed, ${summary.failed} failed, ${summary.pending} pending in ${elapsed(started)}`);
process.exit(summary.failed === 0 ? 0 : 1);
