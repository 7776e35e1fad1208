#!/usr/bin/env node
// Every command package.json contributes must be a value of `Commands` in src/core/constants.ts
// and be registered in src, once (an entry of a command table in src/commands, or registerCommand(Commands.x, ...));
// every value of `Commands` must be contributed, and nothing registered that is not. Usage: node scripts/check-commands.mjs [--summary <file>]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './codeServer.mjs';
import { argValue, red, writeSummary } from './testReport.mjs';

const problems = [];
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const contributed = new Set((pkg.contributes?.commands ?? []).map((c) => c.command));

// `export const Commands = { key: 'id', ... } as const;`
const constantsSource = readFileSync(join(REPO_ROOT, 'src', 'core', 'constants.ts'), 'utf8');
const block = /export\s+const\s+Commands\s*=\s*\{([\s\S]*?)\}\s*(as\s+const)?\s*;/.exec(constantsSource);
const commands = new Map(); // key -> id
if (!block) problems.push('src/core/constants.ts has no `export const Commands = { ... }`');
else {
  for (const m of block[1].matchAll(/(\w+)\s*:\s*['"]([^'"]+)['"]/g)) commands.set(m[1], m[2]);
}
const ids = new Set(commands.values());

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name)) yield path;
  }
}

// Registrations: the command tables of src/commands (`{ [Commands.key]: handler, ... } satisfies CommandTable`),
// and any direct registerCommand(Commands.key, ...) / registerTextEditorCommand(...) with a constant or a literal id.
const registered = new Map(); // id -> file
const register = (id, file) => {
  if (registered.has(id)) problems.push(`${file}: ${id} is registered again (first in ${registered.get(id)})`);
  else registered.set(id, file);
};
for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
  const source = readFileSync(file, 'utf8');
  const where = relative(REPO_ROOT, file);
  const known = (key) => {
    const id = commands.get(key);
    if (!id) problems.push(`${where}: registers Commands.${key}, which constants.ts does not define`);
    return id;
  };
  for (const m of source.matchAll(/register(?:TextEditor)?Command\s*\(\s*(?:Commands\.(\w+)|['"]([^'"]+)['"])/g)) {
    const id = m[1] ? known(m[1]) : m[2];
    if (id) register(id, where);
  }
  if (/\bsatisfies\s+CommandTable\b/.test(source)) {
    for (const m of source.matchAll(/^\s*\[\s*Commands\.(\w+)\s*\]\s*:/gm)) {
      const id = known(m[1]);
      if (id) register(id, where);
    }
  }
}

for (const id of contributed) {
  if (!ids.has(id)) problems.push(`package.json contributes ${id}, which is not a value of Commands in src/core/constants.ts`);
  if (!registered.has(id)) problems.push(`package.json contributes ${id}, which src never registers`);
}
for (const [key, id] of commands) {
  if (!contributed.has(id)) problems.push(`Commands.${key} (${id}) is not contributed in package.json`);
}
for (const id of registered.keys()) {
  if (!contributed.has(id)) problems.push(`src registers ${id} (${registered.get(id)}), which package.json does not contribute`);
}
if (contributed.size === 0) problems.push('package.json contributes no commands');

const summaryFile = argValue(process.argv.slice(2), '--summary');
if (problems.length) console.error(red(`commands check failed:\n  ${problems.join('\n  ')}`));
else console.log(`commands: ${contributed.size} contributed = ${commands.size} in Commands = ${registered.size} registered`);
writeSummary(summaryFile, {
  passed: problems.length ? 0 : 1,
  failed: problems.length ? 1 : 0,
  pending: 0,
  failures: problems.map((p) => ({ title: 'commands', error: p })),
});
process.exit(problems.length ? 1 : 0);
