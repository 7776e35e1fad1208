#!/usr/bin/env node
// Installs what a fresh Debian 12 machine lacks for the tests and the demo, and nothing that is there
// already: Debian packages (chromium for the browser tests, awscli as the real AWS CLI, zsh and fish for the
// completion scripts, and what code-server's install needs), the npm packages (npm ci), and code-server in .cache/.
// Only Node built-ins here: it runs before node_modules exists. Used by `npm test`, `npm run demo`
// and .ci/run. Usage: node scripts/setup.mjs [--no-code-server]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => console.log(`[setup] ${line}`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: REPO, ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/** Debian packages whose marker file is missing. */
const wanted = [
  ['chromium', '/usr/bin/chromium'],
  ['awscli', '/usr/bin/aws'],
  ['ripgrep', '/usr/bin/rg'],
  ['libkrb5-dev', '/usr/include/gssapi/gssapi.h'],
  // The completion scripts are checked in the shells they are for.
  ['zsh', '/usr/bin/zsh'],
  ['fish', '/usr/bin/fish'],
];

export function ensureDebianPackages() {
  const missing = wanted.filter(([, marker]) => !existsSync(marker)).map(([name]) => name);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: run \`sudo apt-get install -y ${missing.join(' ')}\` and try again`);
  }
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

export function ensureNodeModules() {
  const lock = join(REPO, 'package-lock.json');
  const marker = join(REPO, 'node_modules', '.package-lock.json');
  // npm writes node_modules/.package-lock.json on every install: older than the lock means stale.
  if (existsSync(marker) && readFileSync(marker, 'utf8').length > 0 && existsSync(join(REPO, 'node_modules', '.bin', 'esbuild'))) {
    const fresh = spawnSync(process.execPath, ['-e', `const fs=require('fs');process.exit(fs.statSync(${JSON.stringify(marker)}).mtimeMs>=fs.statSync(${JSON.stringify(lock)}).mtimeMs?0:1)`]);
    if (fresh.status === 0) return;
  }
  log('npm ci');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export async function setup({ codeServer = true } = {}) {
  const started = Date.now();
  ensureDebianPackages();
  ensureNodeModules();
  if (codeServer) {
    const { ensureCodeServer } = await import('./install-code-server.mjs');
    ensureCodeServer();
  }
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  setup({ codeServer: !process.argv.includes('--no-code-server') }).catch((error) => {
    console.error(`[setup] ${error.message}`);
    process.exit(1);
  });
}
