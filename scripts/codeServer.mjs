// A small library to run code-server (a real VS Code 1.100 server + web workbench) and a real
// browser (Debian's Chromium driven by playwright-core) on this offline machine kind.
// See shared/vscode-e2e-offline.md. Used by the extension-host test runner, the e2e harness,
// the activation benchmark and the demo.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerBin, ensureCodeServer } from './install-code-server.mjs';
import { editorTemp } from './tempFolders.mjs';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free TCP port on 127.0.0.1 (bound and released; good enough for a local test run). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Process groups still alive, killed when this process exits however it exits. */
const liveGroups = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    liveGroups.clear();
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/**
 * Spawns a command in its own process group (so stop() reaches its children too).
 * @returns {{ child: import('node:child_process').ChildProcess, stop: (graceMs?: number) => Promise<void> }}
 */
export function spawnGroup(command, args, options = {}) {
  installExitHook();
  const child = spawn(command, args, { ...options, detached: true });
  liveGroups.add(child.pid);
  const exited = new Promise((r) => child.once('exit', r));
  child.once('exit', () => {
    // The leader is gone; its children may remain until stop() kills the group.
  });
  const stop = async (graceMs = 3000) => {
    const signalGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
        return true;
      } catch {
        return false;
      }
    };
    if (!signalGroup('SIGTERM')) {
      liveGroups.delete(child.pid);
      return;
    }
    const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    // Kill the rest of the group (extension host, pty host, file watcher) whatever the leader did.
    signalGroup('SIGKILL');
    if (!done) await Promise.race([exited, sleep(1000)]);
    liveGroups.delete(child.pid);
  };
  return { child, stop };
}

/**
 * Starts code-server on 127.0.0.1 with isolated state.
 * @param {object} [options]
 * @param {string} [options.workspace] folder to open (default: a fresh temp folder)
 * @param {string} [options.root] parent of the isolated dirs (default: a fresh temp dir); `<root>/tmp` is the editor's TMPDIR
 * @param {string} [options.home] HOME of code-server, its extension host and terminals (default <root>/home)
 * @param {string} [options.userDataDir] default <root>/user-data
 * @param {string} [options.extensionsDir] default <root>/extensions
 * @param {Record<string,string|undefined>} [options.env] extra env (undefined deletes a variable)
 * @param {number} [options.port] default: a free port
 * @param {string[]} [options.args] extra code-server arguments
 * @param {boolean} [options.echo] also echo code-server's output to this process's stderr
 * @param {number} [options.timeoutMs] how long to wait for it to serve (default 60 s)
 */
export async function startCodeServer(options = {}) {
  const bin = existsSync(codeServerBin()) ? codeServerBin() : ensureCodeServer();
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'aws-sessions-cs-'));
  const home = options.home ?? join(root, 'home');
  const userDataDir = options.userDataDir ?? join(root, 'user-data');
  const extensionsDir = options.extensionsDir ?? join(root, 'extensions');
  const workspace = options.workspace ?? join(root, 'workspace');
  for (const dir of [root, home, userDataDir, extensionsDir, workspace]) mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const logFile = join(root, 'code-server.log');
  const log = createWriteStream(logFile);

  // The AWS CLI v2 from Debian, first on PATH (a v1 may shadow it elsewhere on PATH).
  const binDir = join(home, '.local', 'bin');
  mkdirSync(binDir, { recursive: true });
  if (existsSync('/usr/bin/aws') && !existsSync(join(binDir, 'aws'))) symlinkSync('/usr/bin/aws', join(binDir, 'aws'));

  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    SHELL: '/bin/bash',
    // The editor's temp folder is inside its root, removed with it: a killed code-server leaves its IPC socket
    // folder (aws-sessions-XXXXXX) and VS Code's own sockets there, not in the machine's temp dir.
    TMPDIR: editorTemp(root),
  };
  // Nothing of the developer's own AWS setup leaks into the isolated editor.
  for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.ELECTRON_RUN_AS_NODE;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }

  const args = [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    // Workspace trust is off unless a test asks for it (Restricted Mode).
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(options.args ?? []),
    workspace,
  ];
  const { child, stop: stopGroup } = spawnGroup(bin, args, { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
    log.write(chunk);
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let exitCode;
  child.once('exit', (code, signal) => (exitCode = code ?? signal));

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(`code-server exited (${exitCode}) before serving:\n${output.slice(-4000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) break;
    } catch {
      /* not yet listening */
    }
    if (Date.now() > deadline) {
      await stopGroup();
      throw new Error(`code-server did not serve ${baseUrl} in time:\n${output.slice(-4000)}`);
    }
    await sleep(150);
  }

  let stopped = false;
  return {
    port,
    baseUrl,
    root,
    home,
    userDataDir,
    extensionsDir,
    workspace,
    logFile,
    env,
    process: child,
    /** code-server's own output so far (not the extension host's log files). */
    output: () => output,
    /** Workbench URL for the workspace, optionally with development options (payload). */
    url: (urlOptions = {}) => workbenchUrl(baseUrl, { folder: workspace, ...urlOptions }),
    /** A `vscode-remote://` URI for an absolute path on this server, as the payload wants. */
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopGroup();
      await new Promise((r) => log.end(r));
    },
  };
}

/**
 * The workbench URL. `payload` is a list of [name, value] pairs such as
 * ["extensionDevelopmentPath", "vscode-remote://..."], ["extensionTestsPath", "..."].
 * @param {string} baseUrl
 * @param {{ folder?: string, payload?: [string, string][] }} options
 */
export function workbenchUrl(baseUrl, { folder, payload } = {}) {
  const query = [];
  if (folder) query.push(`folder=${encodeURIComponent(folder)}`);
  if (payload?.length) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${baseUrl}/${query.length ? `?${query.join('&')}` : ''}`;
}

/** Development payload that loads an extension from a folder (and optionally runs tests in it). */
export function developmentPayload(server, { extensionPath, testsPath } = {}) {
  const payload = [];
  if (extensionPath) payload.push(['extensionDevelopmentPath', server.remoteUri(extensionPath)]);
  if (testsPath) payload.push(['extensionTestsPath', server.remoteUri(testsPath)]);
  return payload;
}

/**
 * Launches Debian's Chromium through playwright-core.
 * @param {{ headless?: boolean, args?: string[] }} [options]
 */
export async function launchBrowser(options = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? process.env.HEADED !== '1',
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/**
 * Opens the workbench in a new page and waits for `.monaco-workbench`.
 * @param {import('playwright-core').Browser} browser
 * @param {string} url
 * @param {{ timeoutMs?: number, viewport?: { width: number, height: number } }} [options]
 */
export async function openWorkbench(browser, url, options = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: options.timeoutMs ?? 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: options.timeoutMs ?? 60_000 });
  return { context, page };
}

/** Reads a file, or undefined when it does not exist yet. */
export function readIfExists(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Removes a temp root made by startCodeServer (best effort). */
export function removeDir(path) {
  rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}

/** Seconds with one decimal since `start` (ms). */
export function elapsed(start) {
  return `${((Date.now() - start) / 1000).toFixed(1)} s`;
}
