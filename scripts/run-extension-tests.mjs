#!/usr/bin/env node
// Runs the extension-host test suite (test/extension/**) inside a real VS Code: code-server 4.100.3
// (VS Code 1.100.3) with the extension loaded as a development extension, opened in headless
// Chromium (the extension host starts only when a browser connects).
//
// Usage: node scripts/run-extension-tests.mjs [--no-build] [--grep <re>] [--summary <file>]
//                                             [--extension-path <dir>] [--keep]
// Env: EXTENSION_TESTS_TIMEOUT_MS (whole run, default 240000), HEADED=1 (visible browser),
//      AWS_SESSIONS_TEST_TIMEOUT (ms per test, passed to the suite).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, developmentPayload, elapsed, launchBrowser, openWorkbench, removeDir, startCodeServer } from './codeServer.mjs';
import { editorTemp, leftoverProblem, makeRunTemp } from './tempFolders.mjs';
import { argValue, finishLayer, red, writeSummary } from './testReport.mjs';

const argv = process.argv.slice(2);
const extensionPath = resolve(argValue(argv, '--extension-path') ?? REPO_ROOT);
const testsEntry = join(REPO_ROOT, 'out', 'test', 'extension', 'index.js');
const summaryFile = argValue(argv, '--summary');
const timeoutMs = Number(process.env.EXTENSION_TESTS_TIMEOUT_MS ?? 240_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const started = Date.now();
  if (!argv.includes('--no-build')) {
    console.log('building extension and test bundles (node esbuild.config.mjs --tests)');
    const build = spawnSync(process.execPath, ['esbuild.config.mjs', '--tests'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
  if (!existsSync(testsEntry)) throw new Error(`${testsEntry} missing: build with node esbuild.config.mjs --tests`);

  // code-server's TMPDIR is <root>/tmp (startCodeServer), so the tests' temp folders and the editor's socket
  // folder stay under root, which goes at the end.
  const root = makeRunTemp('ext-tests');
  const resultsFile = join(root, 'results.json');
  // The extension host inherits code-server's environment; the report path travels that way.
  const testServer = await startCodeServer({
    root,
    env: { AWS_SESSIONS_TEST_RESULTS: resultsFile, AWS_SESSIONS_TEST_GREP: argValue(argv, '--grep') },
  });
  console.log(`code-server at ${testServer.baseUrl} (${elapsed(started)}); state in ${testServer.root}`);
  let browser;
  try {
    browser = await launchBrowser();
    const url = testServer.url({ payload: developmentPayload(testServer, { extensionPath, testsPath: testsEntry }) });
    const { page } = await openWorkbench(browser, url);
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    console.log(`workbench open (${elapsed(started)}); running the suite in the extension host`);
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        throw new Error(
          `no results after ${timeoutMs / 1000} s (${resultsFile}).\ncode-server output:\n${testServer.output().slice(-4000)}` +
            (pageErrors.length ? `\npage errors:\n${pageErrors.join('\n')}` : ''),
        );
      }
      if (testServer.process.exitCode !== null) throw new Error(`code-server exited early:\n${testServer.output().slice(-4000)}`);
      await sleep(250);
    }
    const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
    // The suite has finished (its after hooks too): what it made in the temp dir should be gone by now. The
    // editor's own socket folder is still in use and goes with root.
    const leftovers = leftoverProblem(editorTemp(root), 'the extension-host tests', { allowSocketFolders: true });
    if (leftovers) report.failures.push({ title: 'extension-host temp folders', error: leftovers });
    return finishLayer(report, { heading: 'extension host (code-server 4.100.3 / VS Code 1.100.3)', label: 'extension-host tests', summaryFile, started });
  } finally {
    await browser?.close().catch(() => {});
    await testServer.stop();
    if (!argv.includes('--keep')) removeDir(testServer.root);
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(red(`extension-host tests failed to run: ${error instanceof Error ? error.message : error}`));
    writeSummary(summaryFile, { passed: 0, failed: 1, pending: 0, failures: [{ title: 'extension-host run', error: String(error) }] });
    process.exit(1);
  },
);
