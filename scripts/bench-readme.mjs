#!/usr/bin/env node
// Writes the table of `npm run bench` into README.md between its performance markers (rerun at will).
// Usage: node scripts/bench-readme.mjs [table file, default dist/bench-table.md]
// (`node scripts/bench-all.mjs --readme` runs every benchmark and then does the same.)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const START = '<!-- bench:start (written by scripts/bench-readme.mjs from npm run bench; do not edit by hand) -->';
export const END = '<!-- bench:end -->';

/** README text with `table` between the markers, dated; throws when the markers are missing. */
export function withTable(readme, table, date) {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no "${START}" … "${END}" block: add both markers where the table goes.`);
  const body = `${START}\n*Measured ${date.toISOString().slice(0, 10)} with \`npm run bench\` on the production build; each figure is a median (p95 where shown) and its floor was measured in the same run.*\n\n${table.trim()}\n`;
  return readme.slice(0, from) + body + readme.slice(to);
}

export function writeReadmeTable(readmePath, table, date = new Date()) {
  writeFileSync(readmePath, withTable(readFileSync(readmePath, 'utf8'), table, date));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const file = resolve(process.argv[2] ?? join(repo, 'dist', 'bench-table.md'));
  writeReadmeTable(join(repo, 'README.md'), readFileSync(file, 'utf8'));
  console.log(`README.md: performance table from ${file}`);
}
