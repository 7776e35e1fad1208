#!/usr/bin/env node
// Runs the same extension-host suite (test/extension/**) under @vscode/test-electron: a desktop VS Code
// that test-electron downloads into .vscode-test/. For desktops with internet (and a display, or
// `xvfb-run -a` on Linux); on the offline CI machines use scripts/run-extension-tests.mjs (code-server).
//
// Usage: node scripts/run-extension-tests-electron.mjs [--no-build] [--grep <re>] [--summary <file>]
// Env: VSCODE_VERSION (default 1.100.3, the VS Code of code-server 4.100.3; 'stable' for the latest),
//      VSCODE_EXECUTABLE (use an installed VS Code instead of downloading), AWS_SESSIONS_TEST_TIMEOUT.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, removeDir } from './codeServer.mjs';
import { editorTemp } from './tempFolders.mjs';
import { argValue, finishLayer, red, writeSummary } from './testReport.mjs';

const argv = process.argv.slice(2);
const summaryFile = argValue(argv, '--summary');
const testsEntry = join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
const started = Date.now();

if (!argv.includes('--no-build')) {
  const build = spawnSync(process.execPath, ['esbuild.config.mjs', '--tests'], { cwd: REPO_ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    writeSummary(summaryFile, { passed: 0, failed: 1, pending: 0, failures: [{ title: 'build', error: 'build failed' }] });
    process.exit(1);
  }
}

const root = mkdtempSync(join(tmpdir(), 'aws-sessions-electron-tests-'));
const resultsFile = join(root, 'results.json');
let exitCode = 1;
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: testsEntry,
    extensionTestsEnv: {
      AWS_SESSIONS_TEST_RESULTS: resultsFile,
      AWS_SESSIONS_TEST_GREP: argValue(argv, '--grep') ?? '',
      // The tests' temp folders and the extension's socket folder stay under root, removed at the end.
      TMPDIR: editorTemp(root),
    },
    launchArgs: [
      join(root, 'workspace'),
      '--user-data-dir', join(root, 'user-data'),
      '--extensions-dir', join(root, 'extensions'),
      '--disable-extensions',
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (error) {
  // runTests rejects when the suite's run() rejected (a failure) or VS Code could not start.
  if (!existsSync(resultsFile)) console.error(red(`VS Code did not run the suite: ${error instanceof Error ? error.message : error}`));
}
if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  exitCode = finishLayer(report, { heading: 'extension host (VS Code desktop via @vscode/test-electron)', label: 'extension-host tests (electron)', summaryFile, started });
} else {
  writeSummary(summaryFile, { passed: 0, failed: 1, pending: 0, failures: [{ title: 'electron run', error: 'no results file' }] });
}
removeDir(root);
process.exit(exitCode);
