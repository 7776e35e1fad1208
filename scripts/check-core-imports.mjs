#!/usr/bin/env node
// src/core is plain TypeScript: it may import `vscode` only as `import type`. Fails (exit 1) on any
// value import, export-from, require() or dynamic import() of 'vscode' under src/core.
// Usage: node scripts/check-core-imports.mjs [--summary <file>]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './codeServer.mjs';
import { argValue, red, writeSummary } from './testReport.mjs';

const coreDir = join(REPO_ROOT, 'src', 'core');

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.(c|m)?tsx?$/.test(name)) yield path;
  }
}

/** Strips comments and keeps string literals, so commented-out imports do not count. */
function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const MODULE = String.raw`['"](vscode)['"]`;
const patterns = [
  // import x from 'vscode'; import * as x from 'vscode'; import { a } from 'vscode'; import 'vscode'
  { re: new RegExp(String.raw`\bimport\s+(?!type\b)([^'";]*?\bfrom\s+)?${MODULE}`, 'g'), what: 'value import' },
  // import { type A, B } from 'vscode' where some name is not `type`-qualified
  { re: new RegExp(String.raw`\bimport\s+type\s+[^;]*?\bfrom\s+${MODULE}`, 'g'), what: null },
  { re: new RegExp(String.raw`\bexport\s+(?!type\b)[^;]*?\bfrom\s+${MODULE}`, 'g'), what: 'value re-export' },
  { re: new RegExp(String.raw`\brequire\s*\(\s*${MODULE}\s*\)`, 'g'), what: 'require()' },
  { re: new RegExp(String.raw`\bimport\s*\(\s*${MODULE}\s*\)`, 'g'), what: 'dynamic import()' },
  { re: new RegExp(String.raw`\bimport\s+\w+\s*=\s*require\s*\(\s*${MODULE}`, 'g'), what: 'import = require()' },
];

const problems = [];
let files = 0;
for (const file of tsFiles(coreDir)) {
  files++;
  const source = stripComments(readFileSync(file, 'utf8'));
  for (const { re, what } of patterns) {
    if (!what) continue;
    for (const match of source.matchAll(re)) {
      const text = match[0];
      // `import { type A, type B } from 'vscode'` is elided by TypeScript: allowed.
      const named = /^import\s*\{([^}]*)\}\s*from/.exec(text);
      if (named && named[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '))) continue;
      const line = source.slice(0, match.index).split('\n').length;
      problems.push(`${relative(REPO_ROOT, file)}:${line}: ${what} of vscode: ${text.replace(/\s+/g, ' ')}`);
    }
  }
}

const summaryFile = argValue(process.argv.slice(2), '--summary');
if (problems.length) {
  console.error(red(`src/core must not import vscode as a value (use \`import type\`):\n  ${problems.join('\n  ')}`));
} else {
  console.log(`core imports: ${files} files under src/core, no value import of vscode`);
}
writeSummary(summaryFile, {
  passed: problems.length ? 0 : 1,
  failed: problems.length ? 1 : 0,
  pending: 0,
  failures: problems.map((p) => ({ title: 'src/core imports', error: p })),
});
process.exit(problems.length ? 1 : 0);
