#!/usr/bin/env node
// The package as a user and a registry get it, in `npm test` (after the build):
//   - the icon PNGs are the render of media/logo.svg; the manifest has what a marketplace page needs and no
//     made-up repository URL; every restricted setting and walkthrough file exists;
//   - the .vsix (scripts/package.mjs, from the current build) holds the bundles, the manifest, the icon and
//     the walkthrough's images and nothing else from the repository; its README shows every image inline;
//   - an Open VSX dry run: `ovsx publish` uploads it to a local stand-in of the registry's publish endpoint,
//     which reads the manifest as Open VSX does; ovsx's own licence check passes. Nothing is published.
// Usage: node scripts/check-package.mjs [--summary <file>]
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageVsix, REPO_ROOT, VSIX_BUDGET_BYTES } from './package.mjs';
import { staleIcons } from './render-icon.mjs';
import { argValue, writeSummary } from './testReport.mjs';

const summaryFile = argValue(process.argv.slice(2), '--summary');
const results = { passed: 0, failed: 0, pending: 0, failures: [] };
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

async function check(title, fn) {
  try {
    const note = await fn();
    results.passed++;
    console.log(`  ✓ ${title}${note ? `: ${note}` : ''}`);
  } catch (error) {
    results.failed++;
    results.failures.push({ title, error: error instanceof Error ? error.message : String(error) });
    console.log(`  ✗ ${title}\n      ${error instanceof Error ? error.message : String(error)}`);
  }
}

function must(condition, message) {
  if (!condition) throw new Error(message);
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const pngSize = (bytes) => ({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) });

await check('the icon PNGs are the render of media/logo.svg', () => {
  const stale = staleIcons();
  must(stale.length === 0, `${stale.join(', ')} differ from a fresh render: run node scripts/render-icon.mjs`);
  const icon = readFileSync(join(REPO_ROOT, pkg.icon));
  const { width, height } = pngSize(icon);
  must(icon.subarray(0, 4).equals(PNG) && width === height && width >= 128, `${pkg.icon} must be a square PNG of at least 128 px (is ${width} × ${height})`);
  return `${pkg.icon} ${width} × ${height}`;
});

await check('the manifest: gallery fields, no invented URL, capabilities, extension kind', () => {
  must(pkg.galleryBanner?.color && ['dark', 'light'].includes(pkg.galleryBanner.theme), 'galleryBanner needs a color and a theme');
  must(Array.isArray(pkg.keywords) && pkg.keywords.length > 0 && pkg.keywords.length <= 30, 'keywords: 1 to 30');
  must(Array.isArray(pkg.categories) && pkg.categories.length > 0, 'categories missing');
  for (const field of ['repository', 'bugs', 'homepage']) {
    const url = typeof pkg[field] === 'string' ? pkg[field] : pkg[field]?.url;
    must(url === undefined || (/^https:\/\//.test(url) && !/\.(invalid|example|test)\b|example\.(com|org)/.test(url)), `${field} is a placeholder (${url}): leave it out rather than invent one`);
  }
  must(JSON.stringify(pkg.extensionKind) === '["workspace"]', 'extensionKind must be ["workspace"] (see docs/ARCHITECTURE.md)');
  const trust = pkg.capabilities?.untrustedWorkspaces;
  must(trust?.supported === 'limited' && trust.description, 'capabilities.untrustedWorkspaces: limited, with a description');
  const settings = Object.keys(pkg.contributes.configuration.properties);
  const unknown = trust.restrictedConfigurations.filter((s) => !settings.includes(s));
  must(unknown.length === 0, `restrictedConfigurations names settings that do not exist: ${unknown.join(', ')}`);
  must(pkg.capabilities.virtualWorkspaces !== undefined, 'capabilities.virtualWorkspaces is not declared');
  return `${trust.restrictedConfigurations.length} restricted settings`;
});

const walkthroughMedia = (pkg.contributes.walkthroughs ?? []).flatMap((w) => w.steps.map((s) => s.media.image ?? s.media.markdown ?? s.media.svg));
// JSON schemas the manifest contributes (jsonValidation) must ship, or the editor checks nothing.
const jsonSchemas = (pkg.contributes.jsonValidation ?? []).map((j) => j.url.replace(/^\.\//, ''));

await check('the walkthrough: every step completes on an event and shows a file that exists', () => {
  const steps = (pkg.contributes.walkthroughs ?? []).flatMap((w) => w.steps);
  must(steps.length > 0, 'no walkthrough contributed');
  for (const step of steps) {
    must(step.completionEvents?.length > 0, `step ${step.id} has no completionEvents (it would complete on a click only)`);
    for (const event of step.completionEvents) must(/^(onCommand|onContext|onView|onSettingChanged|onLink):/.test(event), `step ${step.id}: unknown completion event ${event}`);
  }
  const missing = walkthroughMedia.filter((path) => typeof path !== 'string' || !existsSync(join(REPO_ROOT, path)));
  must(missing.length === 0, `walkthrough media missing: ${missing.join(', ')}`);
  return `${steps.length} steps`;
});

const vsixDir = mkdtempSync(join(tmpdir(), 'aws-sessions-package-'));
const vsix = join(vsixDir, 'aws-sessions.vsix');
// However the checks end (a check's failure is counted, not thrown; an exception ends the process), the folder goes.
process.on('exit', () => rmSync(vsixDir, { recursive: true, force: true }));
let entries = [];
/** esbuild.config.mjs with `args` (the production build is what ships and what the budget is for). */
const build = (args) => execFileSync(process.execPath, ['esbuild.config.mjs', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });

await check('vsce packages it (README images inlined)', () => {
  must(existsSync(join(REPO_ROOT, pkg.main)), `${pkg.main} is missing: build first (node esbuild.config.mjs)`);
  // Package the production build, as `npm run package` does; then the development and test build again for the tests after this.
  build(['--production']);
  try {
    packageVsix(vsix);
  } finally {
    build(['--tests']);
  }
  entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).trim().split('\n').filter((e) => !e.endsWith('/'));
  const size = statSync(vsix).size;
  must(size <= VSIX_BUDGET_BYTES, `the .vsix is ${size} bytes, over its budget of ${VSIX_BUDGET_BYTES}: what was added? (screenshots: pngquant them; nothing from node_modules ships)`);
  return `${entries.length} files, ${size} bytes (budget ${VSIX_BUDGET_BYTES})`;
});

await check('the .vsix holds what the extension uses and nothing else from the repository', () => {
  must(entries.length > 0, 'nothing packaged');
  const needed = ['extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt', `extension/${pkg.main.replace(/^\.\//, '')}`, `extension/${pkg.icon}`, 'extension/media/form.css', 'extension/package.nls.json', 'extension/package.nls.de.json', 'extension/l10n/bundle.l10n.de.json', ...walkthroughMedia.map((m) => `extension/${m}`), ...jsonSchemas.map((m) => `extension/${m}`)];
  const lower = entries.map((e) => e.toLowerCase());
  const absent = needed.filter((n) => !lower.includes(n.toLowerCase()));
  must(absent.length === 0, `not packaged: ${absent.join(', ')}`);
  const unwanted = entries.filter((f) => /^extension\/(src|test|bench|scripts|docs|\.cache|out)\//.test(f) || /\.map$|\.ts$|\.tsbuildinfo$/.test(f) || /(^|\/)(node_modules|playwright-core)\//.test(f));
  must(unwanted.length === 0, `packaged but not used: ${unwanted.slice(0, 10).join(', ')}`);
  const screenshots = entries.filter((f) => f.startsWith('extension/media/screenshots/'));
  const extra = screenshots.filter((f) => !walkthroughMedia.includes(f.slice('extension/'.length)));
  must(extra.length === 0, `screenshots packaged that nothing shows: ${extra.join(', ')}`);
  return `${screenshots.length} walkthrough images; ${entries.filter((e) => e.startsWith('extension/dist/')).length} files under dist/`;
});

await check('the packaged bundles require nothing but Node built-ins, vscode and each other (vsce packages no dependency)', () => {
  // The AWS SDK's signer tries these for SigV4a only (multi-region access points), in a try/catch: never used here.
  const optional = ['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a'];
  const bundles = entries.filter((f) => /^extension\/dist\/[^/]+\.js$/.test(f));
  const outside = [];
  for (const bundle of bundles) {
    const text = execFileSync('unzip', ['-p', vsix, bundle], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const [, name] of text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
      if (name === 'vscode' || optional.includes(name) || name.startsWith('.') || name.startsWith('node:') || builtinModules.includes(name)) continue;
      outside.push(`${bundle.slice('extension/'.length)} requires ${name}`);
    }
  }
  must(outside.length === 0, `not in the .vsix: ${[...new Set(outside)].join(', ')}`);
  return `${bundles.length} bundles`;
});

await check('the packaged README shows every image from inside the package', () => {
  const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const sources = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g), ...readme.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  must(sources.length > 0, 'the packaged README shows no image');
  for (const src of sources) {
    must(src.startsWith('data:image/png;base64,'), `an image the details page cannot show: ${src.slice(0, 80)}`);
    must(Buffer.from(src.slice('data:image/png;base64,'.length), 'base64').subarray(0, 4).equals(PNG), 'an inlined image is not a PNG');
  }
  return `${sources.length} images, README ${(Buffer.byteLength(readme) / 1024).toFixed(0)} KB`;
});

await check('Open VSX dry run: ovsx publish to a local stand-in registry; ovsx licence check', async () => {
  const require = createRequire(import.meta.url);
  const { isLicenseOk } = require('ovsx/lib/check-license.js');
  must(await isLicenseOk(REPO_ROOT), 'ovsx: the extension has no licence (Open VSX refuses it)');
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reply = (status, body) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      const url = new URL(req.url, 'http://registry');
      if (req.method !== 'POST' || url.pathname !== '/api/-/publish') return reply(404, { error: `not a publish request: ${req.method} ${url.pathname}` });
      const upload = join(vsixDir, 'upload.vsix');
      writeFileSync(upload, Buffer.concat(chunks));
      try {
        // What Open VSX reads from an upload: the manifest's identity, version and engine.
        const manifest = JSON.parse(execFileSync('unzip', ['-p', upload, 'extension/package.json'], { encoding: 'utf8' }));
        const vsixManifest = execFileSync('unzip', ['-p', upload, 'extension.vsixmanifest'], { encoding: 'utf8' });
        const problems = [];
        if (!/^[\w\-+$~]+$/.test(manifest.publisher ?? '')) problems.push('publisher');
        if (!/^[\w\-+$~]+$/.test(manifest.name ?? '')) problems.push('name');
        if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(manifest.version ?? '')) problems.push('version');
        if (!manifest.engines?.vscode) problems.push('engines.vscode');
        if (!/<Identity [^>]*Id="aws-sessions"/.test(vsixManifest)) problems.push('extension.vsixmanifest Identity');
        received.push({ token: url.searchParams.get('token'), problems });
        if (problems.length) return reply(400, { error: `invalid ${problems.join(', ')}` });
        reply(201, { namespace: manifest.publisher, name: manifest.name, version: manifest.version, targetPlatform: 'universal' });
      } catch (error) {
        reply(400, { error: `unreadable upload: ${error instanceof Error ? error.message : String(error)}` });
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const registry = `http://127.0.0.1:${server.address().port}`;
  try {
    const ovsx = join(REPO_ROOT, 'node_modules', 'ovsx', 'bin', 'ovsx');
    const env = { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', OVSX_PAT: '' };
    const { code, output } = await new Promise((resolve) => {
      const child = spawn(process.execPath, [ovsx, 'publish', vsix, '--registryUrl', registry, '--pat', 'dry-run'], { cwd: REPO_ROOT, env });
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('exit', (c) => resolve({ code: c, output: text }));
    });
    must(code === 0 && received.length === 1 && received[0].problems.length === 0, `ovsx publish exited ${code} after ${received.length} upload(s):\n${output.trim()}`);
    return output.trim().split('\n').pop();
  } finally {
    server.close();
  }
});

console.log(`package checks: ${results.passed} passed, ${results.failed} failed`);
writeSummary(summaryFile, results);
process.exit(results.failed ? 1 : 0);
