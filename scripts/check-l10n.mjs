#!/usr/bin/env node
// Localisation check (run by `npm test`): fails on a text shown to users that is not translated, and on a
// translation that is missing. The rules of "shown to users" are in scripts/l10nScan.mjs.
//   - src/**/*.ts: every text shown to users goes through vscode.l10n.t / core's t (findings listed by file:line);
//   - l10n/bundle.l10n.json (English) holds exactly the texts of those t() calls (`--write` rewrites it from src);
//   - every language's l10n/bundle.l10n.<lang>.json has every English key, no other, the same placeholders;
//   - package.json: every manifest text shown to users is a %key%, every %key% is in package.nls.json, and every
//     package.nls.<lang>.json has every key of package.nls.json with the same placeholders;
//   - l10n/pending.json names the files whose texts are not all translated yet, with how many are left: a file may have
//     at most that many findings, and exactly that many (the list only shrinks); every other file none.
// Usage: node scripts/check-l10n.mjs [--write] [--root <dir>] [--summary <file>]
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from './codeServer.mjs';
import { compareBundles, manifestKeys, manifestLiterals, scanSource } from './l10nScan.mjs';
import { argValue, red, writeSummary } from './testReport.mjs';

function* sourceFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.ts$/.test(name) && !/\.d\.ts$/.test(name)) yield path;
  }
}
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Runs the check over a repository folder. Returns { problems, stats }. */
export function checkL10n(root, { write = false } = {}) {
  const problems = [];
  const keys = new Map(); // English text -> first place
  const perArea = new Map(); // area -> number of t() calls
  let ignored = 0;
  let pendingTotal = 0;
  const srcDir = join(root, 'src');
  const pendingFile = join(root, 'l10n', 'pending.json');
  const pending = existsSync(pendingFile) ? readJson(pendingFile) : {};
  const seen = new Set();
  for (const file of sourceFiles(srcDir)) {
    const where = relative(root, file);
    const scan = scanSource(where, readFileSync(file, 'utf8'));
    ignored += scan.ignored;
    seen.add(where);
    const allowed = pending[where] ?? 0;
    if (scan.findings.length > allowed) for (const f of scan.findings) problems.push(`${where}:${f.line}: not translated (${f.why}): ${f.text}`);
    else if (scan.findings.length < allowed) problems.push(`l10n/pending.json: ${where} has ${scan.findings.length} texts left, not ${allowed}: lower its count${scan.findings.length ? '' : ' (remove it)'}`);
    else pendingTotal += allowed;
    const area = relative(srcDir, file).split('/').length > 1 ? relative(srcDir, file).split('/')[0] : relative(srcDir, file).replace(/\.ts$/, '');
    perArea.set(area, (perArea.get(area) ?? 0) + scan.keys.length);
    for (const k of scan.keys) if (!keys.has(k.key)) keys.set(k.key, `${where}:${k.line}`);
  }

  const l10nDir = join(root, 'l10n');
  const englishFile = join(l10nDir, 'bundle.l10n.json');
  const fromSource = Object.fromEntries([...keys.keys()].sort().map((k) => [k, k]));
  if (write) writeFileSync(englishFile, `${JSON.stringify(fromSource, null, 2)}\n`);
  const english = existsSync(englishFile) ? readJson(englishFile) : {};
  for (const [key, at] of keys) if (!(key in english)) problems.push(`l10n/bundle.l10n.json: missing "${key}" (${at}); run node scripts/check-l10n.mjs --write`);
  for (const where of Object.keys(pending)) if (!seen.has(where)) problems.push(`l10n/pending.json: ${where} is not a source file`);
  for (const key of Object.keys(english)) if (!keys.has(key)) problems.push(`l10n/bundle.l10n.json: "${key}" is no longer used in src; run node scripts/check-l10n.mjs --write`);
  const languages = existsSync(l10nDir) ? readdirSync(l10nDir).map((n) => /^bundle\.l10n\.(.+)\.json$/.exec(n)?.[1]).filter(Boolean) : [];
  for (const lang of languages) problems.push(...compareBundles(fromSource, readJson(join(l10nDir, `bundle.l10n.${lang}.json`)), `l10n/bundle.l10n.${lang}.json`));

  const manifest = readJson(join(root, 'package.json'));
  const nlsFile = join(root, 'package.nls.json');
  const nls = existsSync(nlsFile) ? readJson(nlsFile) : {};
  if (manifest.l10n !== './l10n' && keys.size) problems.push('package.json: "l10n" must be "./l10n" so VS Code loads the bundles');
  for (const literal of manifestLiterals(manifest)) problems.push(`package.json: not translated: ${literal} (use a %key% of package.nls.json)`);
  const used = manifestKeys(manifest);
  for (const { key, path } of used) if (!(key in nls)) problems.push(`package.json ${path}: %${key}% is not in package.nls.json`);
  const usedKeys = new Set(used.map((u) => u.key));
  for (const key of Object.keys(nls)) if (!usedKeys.has(key)) problems.push(`package.nls.json: "${key}" is not used in package.json`);
  const nlsLanguages = readdirSync(root).map((n) => /^package\.nls\.(.+)\.json$/.exec(n)?.[1]).filter(Boolean);
  for (const lang of nlsLanguages) problems.push(...compareBundles(nls, readJson(join(root, `package.nls.${lang}.json`)), `package.nls.${lang}.json`));
  if (languages.length === 0) problems.push('l10n/: no translation (bundle.l10n.<lang>.json)');
  if (nlsLanguages.length === 0) problems.push('no package.nls.<lang>.json');
  for (const lang of languages) if (!nlsLanguages.includes(lang)) problems.push(`l10n/bundle.l10n.${lang}.json has no package.nls.${lang}.json`);

  return { problems, stats: { keys: keys.size, pending: pendingTotal, pendingFiles: Object.keys(pending).length, perArea: Object.fromEntries(perArea), manifestKeys: Object.keys(nls).length, languages, nlsLanguages, ignored } };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const argv = process.argv.slice(2);
  const root = argValue(argv, '--root') ?? REPO_ROOT;
  const { problems, stats } = checkL10n(root, { write: argv.includes('--write') });
  if (problems.length) console.error(red(`l10n check failed (${problems.length}):\n  ${problems.join('\n  ')}`));
  const areas = Object.entries(stats.perArea).filter(([, n]) => n).map(([a, n]) => `${a} ${n}`).join(', ');
  console.log(`l10n: ${stats.keys} texts through t() (${areas}), ${stats.manifestKeys} manifest texts; translated to ${stats.languages.join(', ') || 'nothing'} (package.nls: ${stats.nlsLanguages.join(', ') || 'none'}); ${stats.ignored} lines marked l10n-ignore; ${stats.pending} texts in ${stats.pendingFiles} files not translated yet (l10n/pending.json)`);
  writeSummary(argValue(argv, '--summary'), {
    passed: problems.length ? 0 : 1,
    failed: problems.length ? 1 : 0,
    pending: 0,
    failures: problems.map((p) => ({ title: 'l10n', error: p })),
  });
  process.exit(problems.length ? 1 : 0);
}
