#!/usr/bin/env node
// `npm run package`: a production build, then dist/aws-sessions.vsix with @vscode/vsce.
//
// The README inside the .vsix is README.md with its images inlined as data: URIs (dist/README.md).
// VS Code's extension details page allows only https: and data: images (its CSP), and relative links are
// not resolved against the installed extension, so a relative image shows as a broken one; this
// extension has no public repository to serve images from (vsce's --baseImagesUrl), so they travel inside
// the README itself. vsce's own link rewriting is off (--no-rewrite-relative-links) because it would demand
// https images; `readmeForPackage` refuses what the details page cannot show instead.
//
// Usage: node scripts/package.mjs [--no-build] [--out <file.vsix>]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGED_README = join('dist', 'README.md');
export const DEFAULT_VSIX = join(REPO_ROOT, 'dist', 'aws-sessions.vsix');

/**
 * The most the .vsix may weigh (bytes; scripts/check-package.mjs and test/e2e/package.e2e.ts hold it to this).
 * Screenshots are palette PNGs (pngquant) — the README carries its images inline, so each counts twice.
 */
export const VSIX_BUDGET_BYTES = 800_000;

const IMAGE_TYPES = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif' };

/**
 * README.md as the installed extension shows it: every relative image (`![alt](path)` or `<img src="path">`)
 * becomes a data: URI of the file; a relative link to anything else, an SVG image, or an image outside the
 * repository is an error naming it (the details page cannot show them).
 * @param {string} markdown
 * @param {string} root the folder the README's relative paths start from
 * @returns {{ text: string, images: string[] }} the packaged README and the repository paths it inlined
 */
export function readmeForPackage(markdown, root) {
  const images = [];
  const inline = (link) => {
    const path = normalize(decodeURI(link));
    const full = resolve(root, path);
    if (relative(root, full).startsWith('..')) throw new Error(`README.md shows ${link}, outside the repository: put the image under media/.`);
    const type = IMAGE_TYPES[extname(path).toLowerCase()];
    if (!type) throw new Error(`README.md shows ${link}: the extension details page shows PNG, JPEG or GIF images only (no SVG): export it as PNG.`);
    images.push(relative(root, full));
    return `data:${type};base64,${readFileSync(full).toString('base64')}`;
  };
  const isRelative = (link) => !/^[a-z][a-z0-9+.-]*:/i.test(link) && !link.startsWith('#');
  let text = markdown.replace(/(!?)\[([^\]]*)\]\(([^)\s]+)(\s+"[^"]*")?\)/g, (all, bang, label, link, title = '') => {
    if (!isRelative(link)) return all;
    if (bang) return `![${label}](${inline(link)}${title})`;
    throw new Error(`README.md links to ${link}: a relative link goes nowhere in the installed extension's details page; write the path as \`code\` or link an https URL.`);
  });
  text = text.replace(/(<img\b[^>]*\bsrc=")([^"]+)(")/g, (all, before, link, after) => (isRelative(link) ? `${before}${inline(link)}${after}` : all));
  return { text, images };
}

/** Writes dist/README.md and packages the .vsix (without building); returns the .vsix path. */
export function packageVsix(out = DEFAULT_VSIX) {
  const { text } = readmeForPackage(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8'), REPO_ROOT);
  mkdirSync(join(REPO_ROOT, 'dist'), { recursive: true });
  writeFileSync(join(REPO_ROOT, PACKAGED_README), text);
  mkdirSync(dirname(out), { recursive: true });
  const vsce = join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const args = ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--readme-path', PACKAGED_README.split('\\').join('/'), '-o', out];
  const result = spawnSync(process.execPath, [vsce, ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vsce package failed (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? resolve(argv[outIndex + 1]) : DEFAULT_VSIX;
  if (!argv.includes('--no-build')) {
    const build = spawnSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) process.exit(build.status ?? 1);
  }
  try {
    console.log(`packaged ${relative(process.cwd(), packageVsix(out))}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
