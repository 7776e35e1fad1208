/**
 * The server's choice of where to put its socket: a folder no other user can create or change, whose
 * path leaves room for a socket name within the Unix limit. In order:
 *  1. the IPC folder itself (`<globalStorage>/ipc`, 0700, ours) when the path is short enough;
 *  2. `$XDG_RUNTIME_DIR/aws-sessions-<hash>` when the runtime folder is ours, 0700 and no link;
 *  3. the private temp folder recorded by the previous server (in the endpoint record) while it is still ours;
 *  4. a new `mkdtemp` folder under the temp dir (0700, a random name that fails if anything exists there).
 * Never a predictable name in a folder others can write (such as /tmp/aws-sessions-<uid>): another user
 * could create it first. The choice reaches the CLI through the endpoint record, so CLI and editor need not
 * agree on an environment. Windows uses a named pipe with a random name per server.
 */
import { lstatSync, mkdtempSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { IpcFiles } from '../constants';
import { ensurePrivateDir, IpcSetupError, MAX_SOCKET_PATH, trustProblem, type IpcPaths } from './paths';
import { t } from '../l10n';

/** The name every socket folder outside the IPC folder starts with (and nothing else of ours there). */
export const SOCKET_TEMP_PREFIX = 'aws-sessions-';
const TEMP_PREFIX = SOCKET_TEMP_PREFIX;
/** `cli-<6 hex>.sock`: a new name per listening server. */
const SOCKET_NAME_BYTES = IpcFiles.socketPrefix.length + 6 + '.sock'.length;

export interface SocketFolderOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** The socket of the previous server, from the endpoint record. */
  previousSocket?: string;
  tempDir?: string;
  /** Why a candidate was passed over (logged by the server). */
  onNote?: (message: string) => void;
}

const fits = (folder: string) => Buffer.byteLength(folder) + 1 + SOCKET_NAME_BYTES <= MAX_SOCKET_PATH;

/** The runtime folder as its specification wants it: ours, no link, mode 0700 exactly. */
function runtimeProblem(path: string): string | undefined {
  const check = trustProblem(path, 'folder');
  if (!check.ok) return check.reason;
  const mode = lstatSync(path).mode & 0o777;
  return mode === 0o700 ? undefined : t('{0} has mode {1}, not 700', path, mode.toString(8));
}

function runtimeFolder(paths: IpcPaths, env: Readonly<Record<string, string | undefined>>, note: (m: string) => void): string | undefined {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || !runtime.startsWith('/')) return undefined;
  const folder = join(resolve(runtime), `${TEMP_PREFIX}${folderHash(paths.dir)}`);
  if (!fits(folder)) return undefined;
  const problem = runtimeProblem(resolve(runtime));
  if (problem) {
    note(`XDG_RUNTIME_DIR is not used for the socket: ${problem}.`);
    return undefined;
  }
  try {
    ensurePrivateDir(folder);
    return folder;
  } catch (error) {
    note(`XDG_RUNTIME_DIR is not used for the socket: ${error instanceof Error ? error.message : String(error)}.`);
    return undefined;
  }
}

function reusableTempFolder(previousSocket: string | undefined, note: (m: string) => void): string | undefined {
  if (!previousSocket) return undefined;
  const folder = dirname(previousSocket);
  if (!basename(folder).startsWith(TEMP_PREFIX) || !fits(folder)) return undefined;
  const check = trustProblem(folder, 'folder');
  if (check.ok) return folder;
  // Gone (a reboot, a temp cleaner) is normal; anything else deserves a line in the log.
  if (!check.missing) note(`The previous socket folder is not used again: ${check.reason}. A new private folder is created.`);
  return undefined;
}

function newTempFolder(tempDir: string | undefined): string | undefined {
  const bases = [...new Set([tempDir ?? tmpdir(), '/tmp'])];
  for (const base of bases) {
    if (!fits(join(base, `${TEMP_PREFIX}XXXXXX`))) continue;
    let folder: string;
    try {
      folder = mkdtempSync(join(base, TEMP_PREFIX));
    } catch (error) {
      throw new IpcSetupError(base, t('a private folder for the socket cannot be created here ({0}); set TMPDIR for VS Code to a folder you can write', (error as NodeJS.ErrnoException).code ?? String(error)));
    }
    const check = trustProblem(folder, 'folder');
    if (!check.ok) throw new IpcSetupError(folder, t('the new socket folder is not private: {0}', check.reason));
    return folder;
  }
  return undefined;
}

/** Where this server's socket goes (Unix). Throws IpcSetupError when no folder qualifies. */
export function chooseSocketFolder(paths: IpcPaths, options: SocketFolderOptions = {}): string {
  const note = options.onNote ?? (() => undefined);
  if (fits(paths.dir)) return paths.dir;
  const folder = runtimeFolder(paths, options.env ?? process.env, note) ?? reusableTempFolder(options.previousSocket, note) ?? newTempFolder(options.tempDir);
  if (folder) return folder;
  throw new IpcSetupError(
    paths.dir,
    t('no private folder has a path short enough for a socket (Unix allows about {0} bytes): this folder, XDG_RUNTIME_DIR and the temp folder are all too long; set TMPDIR for VS Code to a short folder such as /tmp', MAX_SOCKET_PATH),
  );
}

/** A fresh socket path in `folder` (a named pipe on Windows), with a random part so no two servers share one. */
export function newSocketPath(folder: string, paths: IpcPaths, random: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return `\\\\.\\pipe\\aws-sessions-${folderHash(paths.dir)}-${random}`;
  return join(folder, `${IpcFiles.socketPrefix}${random}.sock`);
}

/** Remove the sockets of earlier servers of this folder (crashed, or replaced) except `keep`. */
export function removeOldSockets(folder: string, keep: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    if (!name.startsWith(IpcFiles.socketPrefix) || !name.endsWith('.sock') || path === keep) continue;
    if (trustProblem(path, 'socket').ok) {
      try {
        unlinkSync(path);
      } catch {
        /* another server removed it first */
      }
    }
  }
}

/**
 * 64 bits of FNV-1a over the folder path, as hex: a stable, distinct name per IPC folder inside a folder
 * only we can write (the runtime dir), and for pipe names. Not a secret and not a security boundary.
 */
export function folderHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
