#!/usr/bin/env node
// The lint layer of `npm test` (eslint.config.mjs): src/core imports no `vscode` value, no import cycle
// under src/, no floating promise. Counts one pass per clean file and one failure per file with an error.
// Usage: node scripts/lint.mjs [--summary <file>]
import { ESLint } from 'eslint';
import { relative } from 'node:path';
import { REPO_ROOT } from './codeServer.mjs';
import { argValue, red, writeSummary } from './testReport.mjs';

const started = Date.now();
const eslint = new ESLint({ cwd: REPO_ROOT });
const results = await eslint.lintFiles(['src']);
const failing = results.filter((r) => r.errorCount > 0);
const formatter = await eslint.loadFormatter('stylish');
const text = await formatter.format(results);
if (text.trim()) console.log(text);
const durationMs = Date.now() - started;
if (failing.length) console.error(red(`lint: ${failing.length} of ${results.length} files have errors`));
else console.log(`lint: ${results.length} files under src/, no error (${(durationMs / 1000).toFixed(1)} s)`);
writeSummary(argValue(process.argv.slice(2), '--summary'), {
  passed: results.length - failing.length,
  failed: failing.length,
  pending: 0,
  durationMs,
  failures: failing.map((r) => ({
    title: relative(REPO_ROOT, r.filePath),
    error: r.messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.message} (${m.ruleId})`).join('\n'),
  })),
});
process.exit(failing.length ? 1 : 0);
