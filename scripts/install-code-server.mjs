#!/usr/bin/env node
// Installs code-server (VS Code 1.100.3, server + web workbench) into a git-ignored cache folder,
// the offline way described in shared/vscode-e2e-offline.md. Idempotent: a finished install leaves a
// marker file and is reused. Usage: node scripts/install-code-server.mjs [--force]
// Env: CODE_SERVER_DIR overrides the cache folder (default <repo>/.cache/code-server).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR
  ? resolve(process.env.CODE_SERVER_DIR)
  : join(REPO, '.cache', 'code-server');
const MARKER = join(CODE_SERVER_DIR, '.installed');

// Packages in code-server's tree whose install scripts must run (native modules, ripgrep, and
// code-server's own postinstall that installs lib/vscode's dependencies).
const ALLOWED_SCRIPTS = [
  'code-server',
  'argon2',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-registry',
  '@parcel/watcher',
  'kerberos',
  'node-pty',
  'native-watchdog',
  '@vscode/deviceid',
  '@vscode/windows-process-tree',
];

// What @vscode/ripgrep 1.15.11's postinstall looks for before it would go to GitHub.
const RIPGREP_CACHE = join(tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RIPGREP_TARBALL = join(RIPGREP_CACHE, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');

/** Absolute path of the code-server launcher inside the cache. */
export function codeServerBin() {
  return join(CODE_SERVER_DIR, 'node_modules', '.bin', 'code-server');
}

/** True when a complete install of the pinned version is in the cache. */
export function isCodeServerInstalled() {
  if (!existsSync(MARKER) || !existsSync(codeServerBin())) return false;
  try {
    const pkg = JSON.parse(readFileSync(join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'package.json'), 'utf8'));
    return pkg.version === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
}

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
}

/** System packages the install needs: ripgrep (for the cache tarball) and gssapi headers (kerberos). */
function ensureSystemPackages(log) {
  const missing = [];
  if (!existsSync('/usr/bin/rg')) missing.push('ripgrep');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!missing.length) return;
  if (process.getuid?.() === 0 && which('apt-get')) {
    log(`installing system packages: ${missing.join(' ')}`);
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    throw new Error(`code-server's install needs: apt-get install -y ${missing.join(' ')}`);
  }
}

/** Puts Debian's rg into the tarball @vscode/ripgrep would otherwise download. */
function ensureRipgrepCache(log) {
  if (existsSync(RIPGREP_TARBALL)) return;
  mkdirSync(RIPGREP_CACHE, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  copyFileSync('/usr/bin/rg', join(staging, 'rg'));
  run('chmod', ['755', join(staging, 'rg')]);
  run('tar', ['-czf', RIPGREP_TARBALL, '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
  log(`ripgrep cache: ${RIPGREP_TARBALL}`);
}

/**
 * Installs code-server into CODE_SERVER_DIR unless a complete install is there.
 * @param {{ force?: boolean, log?: (line: string) => void }} [options]
 * @returns {string} the code-server launcher path
 */
export function ensureCodeServer({ force = false, log = (line) => console.log(`[code-server] ${line}`) } = {}) {
  if (!force && isCodeServerInstalled()) {
    log(`reusing ${CODE_SERVER_DIR}`);
    return codeServerBin();
  }
  const started = Date.now();
  ensureSystemPackages(log);
  ensureRipgrepCache(log);
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  rmSync(MARKER, { force: true });
  // A project of its own, so npm 11's install-script policy (allowScripts) applies to this tree
  // and not to the repository's package.json. Seen with npm 11.19: without this list npm only
  // warns ("install scripts not yet covered by allowScripts") and still runs code-server's
  // postinstall and argon2's install; with it there is no warning, and the install still works
  // where a user sets strict-allow-scripts. code-server's postinstall runs a nested install in
  // lib/vscode (node-pty, spdlog, kerberos, ...), hence strict-allow-scripts=false below.
  writeFileSync(
    join(CODE_SERVER_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'code-server-cache',
        private: true,
        description: 'code-server for tests and the demo; installed by scripts/install-code-server.mjs',
        allowScripts: Object.fromEntries(ALLOWED_SCRIPTS.map((name) => [name, true])),
      },
      null,
      2,
    ) + '\n',
  );
  log(`installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (about 1.5 min)`);
  run(
    'npm',
    ['install', '--prefix', CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund', '--no-save'],
    {
      cwd: CODE_SERVER_DIR,
      env: {
        ...process.env,
        npm_config_yes: 'true',
        npm_config_unsafe_perm: 'true',
        npm_config_strict_allow_scripts: 'false',
      },
    },
  );
  const version = spawnSync(codeServerBin(), ['--version'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: join(CODE_SERVER_DIR, '.config'), XDG_DATA_HOME: join(CODE_SERVER_DIR, '.local') },
  });
  if (version.status !== 0 || !version.stdout.includes(`${CODE_SERVER_VERSION} `)) {
    throw new Error(`code-server --version failed after install: ${version.stdout}${version.stderr}`);
  }
  writeFileSync(MARKER, `${CODE_SERVER_VERSION}\n${new Date().toISOString()}\n`);
  log(`installed ${version.stdout.trim().split('\n').pop()} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return codeServerBin();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    ensureCodeServer({ force: process.argv.includes('--force') });
  } catch (error) {
    console.error(`[code-server] ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
