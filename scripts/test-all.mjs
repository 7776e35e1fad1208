#!/usr/bin/env node
// `npm test`: every layer, in order, each printing its own report, then one closing line
// "N passed, N failed" over all of them. Exits non-zero when anything failed or nothing ran.
//   setup (installs what is missing) → typecheck → build → static checks → package → unit (mocha, plain Node)
//   → extension host (mocha inside code-server) → browser end to end (Chromium + code-server)
// Usage: node scripts/test-all.mjs [--skip-e2e] [--skip-extension]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const summaries = mkdtempSync(join(tmpdir(), 'aws-sessions-test-'));
process.on('exit', () => rmSync(summaries, { recursive: true, force: true }));
const layers = [];
const total = { passed: 0, failed: 0, pending: 0 };

function header(title) {
  console.log(`\n━━━ ${title} ${'━'.repeat(Math.max(3, 70 - title.length))}`);
}

/** Run one layer; counts come from its summary file, or 1 pass / 1 failure for a plain step. */
function layer(title, command, args, { summary = true } = {}) {
  header(title);
  const started = Date.now();
  const file = join(summaries, `${layers.length}.json`);
  const fullArgs = summary ? [...args, ...(command === 'npx' && args[0] === 'mocha' ? ['--reporter', './scripts/mocha-summary-reporter.cjs', '--reporter-option', `summary=${file}`] : ['--summary', file])] : args;
  const result = spawnSync(command, fullArgs, { cwd: REPO, stdio: 'inherit', env: process.env });
  const seconds = (Date.now() - started) / 1000;
  let counts = { passed: result.status === 0 ? 1 : 0, failed: result.status === 0 ? 0 : 1, pending: 0 };
  if (summary && existsSync(file)) {
    const s = JSON.parse(readFileSync(file, 'utf8'));
    counts = { passed: s.passed ?? 0, failed: s.failed ?? 0, pending: s.pending ?? 0 };
    if (result.status !== 0 && counts.failed === 0) counts.failed = 1; // crashed after writing
  } else if (summary && result.status === 0) {
    counts = { passed: 0, failed: 1, pending: 0 }; // claimed success without a report: count as failure
    console.error(`${title}: no summary written`);
  }
  layers.push({ title, ...counts, seconds });
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.pending += counts.pending;
  return result.status === 0;
}

header('setup');
await setup();

layer('typecheck (tsc --noEmit)', 'npx', ['tsc', '-p', '.', '--noEmit'], { summary: false });
const built = layer('build (esbuild: extension, CLI, pages, test bundles)', process.execPath, ['esbuild.config.mjs', '--tests'], { summary: false });
layer('lint (ESLint: core imports no vscode value, no import cycle, no floating promise)', process.execPath, ['scripts/lint.mjs']);
layer('every command contributed and registered', process.execPath, ['scripts/check-commands.mjs']);
layer('localisation (every text shown through t(), German complete)', process.execPath, ['scripts/check-l10n.mjs']);
if (built) layer('package (icon, manifest, .vsix contents, Open VSX dry run)', process.execPath, ['scripts/check-package.mjs']);
layer('unit tests (mocha, plain Node)', 'npx', ['mocha']);
if (built && !argv.includes('--skip-extension')) layer('extension-host tests (mocha inside VS Code / code-server)', process.execPath, ['scripts/run-extension-tests.mjs', '--no-build']);
if (built && !argv.includes('--skip-e2e')) layer('browser end-to-end tests (Chromium + code-server)', process.execPath, ['scripts/run-e2e.mjs', '--no-build']);

header('summary');
for (const l of layers) console.log(`${l.failed ? '✗' : '✓'} ${l.title}: ${l.passed} passed, ${l.failed} failed${l.pending ? `, ${l.pending} pending` : ''} (${l.seconds.toFixed(1)} s)`);
if (total.passed === 0) total.failed += 1;
console.log(`\n${total.passed} passed, ${total.failed} failed${total.pending ? `, ${total.pending} skipped` : ''}`);
process.exit(total.failed > 0 ? 1 : 0);
