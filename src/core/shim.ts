// l10n-ignore-file: the shim's script text is for machines (a shebang, require), not shown.
/**
 * The `aws-sessions` shim: a tiny script at a stable path (`<globalStorage>/bin`) that survives
 * extension updates. Activation rewrites it to run the current bundle's CLI with the Node that VS Code
 * runs on (ELECTRON_RUN_AS_NODE=1 on desktop VS Code), and to tell the CLI where the IPC folder is.
 *
 * Three forms, fastest first: where the Node is plain Node (code-server, remote hosts) and its path can
 * stand in a `#!` line, the shim is JavaScript run by that Node directly (one exec, no shell: it is on
 * the path of every credential_process call); otherwise POSIX sh on Unix, a .cmd file on Windows.
 * Paths are JSON-quoted in JavaScript and quoted for the shell, never interpolated raw.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CLI_NAME, ENV_IPC_DIR, EXEC_SHELL_ARG, SHIM_EXEC_VARIABLE } from './constants';

export interface ShimTarget {
  /** Executable that runs JavaScript: `process.execPath` of the extension host. */
  nodePath: string;
  /** Absolute path of dist/cli.js of the running extension. */
  cliPath: string;
  /** Absolute path of dist/generate.js (`generate` alone): the JavaScript shim loads it for credential_process calls. */
  generatePath?: string;
  /** Absolute path of dist/exec.js (`exec` alone): the JavaScript shim loads it for `aws-sessions exec`. */
  execPath?: string;
  ipcDir: string;
  /** Desktop VS Code: the executable is Electron and needs ELECTRON_RUN_AS_NODE=1. */
  electron: boolean;
  platform?: NodeJS.Platform;
}

/** POSIX shell single-quoting: the only character needing care is the quote itself. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function cmdQuote(s: string): string {
  if (/["%^&|<>\r\n]/.test(s)) throw new Error(`The path ${s} contains a character a .cmd file cannot quote safely.`);
  return `"${s}"`;
}

export function shimFileName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? `${CLI_NAME}.cmd` : CLI_NAME;
}

/**
 * Can `#!<path>` run this executable? The kernel takes the line up to the first blank as the
 * interpreter (Linux reads at most 255 bytes of it); Electron needs ELECTRON_RUN_AS_NODE set before it starts.
 */
export function canShebang(t: ShimTarget): boolean {
  return !t.electron && (t.platform ?? process.platform) !== 'win32' && t.nodePath.startsWith('/') && !/[\s\0]/.test(t.nodePath) && Buffer.byteLength(t.nodePath) < 250;
}

/** `process.argv[2] === 'generate' ? "<generate.js>" : …` for each lean entry given: the JavaScript shim's choice before the full CLI. */
function leanChoice(t: ShimTarget): string {
  const lean: [string, string | undefined][] = [
    ['generate', t.generatePath],
    ['exec', t.execPath],
  ];
  return lean.map(([command, file]) => (file ? `process.argv[2] === ${JSON.stringify(command)} ? ${JSON.stringify(file)} : ` : '')).join('');
}

export function shimScript(t: ShimTarget): string {
  if (canShebang(t)) {
    return [
      `#!${t.nodePath}`,
      '// AWS Sessions CLI shim, rewritten by the extension at every activation. Do not edit.',
      `process.env[${JSON.stringify(ENV_IPC_DIR)}] = ${JSON.stringify(t.ipcDir)};`,
      `require(${leanChoice(t)}${JSON.stringify(t.cliPath)});`,
      '',
    ].join('\n');
  }
  if ((t.platform ?? process.platform) === 'win32') {
    return [
      '@echo off',
      'rem AWS Sessions CLI shim, rewritten by the extension at every activation. Do not edit.',
      'setlocal',
      `set ${ENV_IPC_DIR}=${t.ipcDir.replace(/[%"]/g, '')}`,
      t.electron ? 'set ELECTRON_RUN_AS_NODE=1' : 'set ELECTRON_RUN_AS_NODE=',
      `${cmdQuote(t.nodePath)} ${cmdQuote(t.cliPath)} %*`,
      '',
    ].join('\r\n');
  }
  return shScript(t);
}

/**
 * The POSIX sh shim. `generate` runs its lean bundle; `exec` runs dist/exec.js inside `$(…)`, which prints the
 * session's variables as sh to this shell through the pipe (never a command line, never a file) and ends with
 * `exec "$@"`: the shell `eval`s it and becomes the command, with no Node process left holding it. exec.js
 * printing nothing and succeeding (help, a usage error): the full CLI answers, as for every other command.
 * Only the Node runs get the IPC folder and ELECTRON_RUN_AS_NODE, never the command's environment; tracing is
 * switched off first so that `sh -x` cannot print the credentials.
 */
function shScript(t: ShimTarget): string {
  const vars = `${ENV_IPC_DIR}=${shQuote(t.ipcDir)}${t.electron ? ' ELECTRON_RUN_AS_NODE=1' : ''}`;
  const node = shQuote(t.nodePath);
  const lean = [
    ...(t.generatePath ? [`if [ "$1" = generate ]; then ${vars} exec ${node} ${shQuote(t.generatePath)} "$@"; fi`] : []),
    ...(t.execPath
      ? [
          'if [ "$1" = exec ]; then',
          // A trace (sh -x, SHELLOPTS) would print the evaluated text, credentials included.
          '  set +xv',
          `  ${SHIM_EXEC_VARIABLE}=$(${vars} exec ${node} ${shQuote(t.execPath)} ${EXEC_SHELL_ARG} "$@") || exit`,
          `  eval "$${SHIM_EXEC_VARIABLE}"`,
          'fi',
        ]
      : []),
  ];
  return ['#!/bin/sh', '# AWS Sessions CLI shim, rewritten by the extension at every activation. Do not edit.', ...lean, `${vars} exec ${node} ${shQuote(t.cliPath)} "$@"`, ''].join('\n');
}

/** Atomic write (temp + rename), skipped when the file already says exactly this. */
async function writeIfChanged(file: string, text: string): Promise<void> {
  const current = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (current === text) return;
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, text, { mode: 0o700 });
  await fs.rename(tmp, file);
}

/** Write the shim into binDir (atomically, executable) unless it already says exactly this; returns its path. */
export async function writeShim(binDir: string, target: ShimTarget): Promise<string> {
  const platform = target.platform ?? process.platform;
  await fs.mkdir(binDir, { recursive: true, mode: 0o700 });
  const file = path.join(binDir, shimFileName(platform));
  const text = shimScript(target);
  await writeIfChanged(file, text);
  if (platform !== 'win32') await fs.chmod(file, 0o700);
  // The JavaScript shim has no extension: pin its package scope to CommonJS whatever a folder above says.
  if (canShebang(target)) await writeIfChanged(path.join(binDir, 'package.json'), '{ "type": "commonjs" }\n');
  return file;
}
