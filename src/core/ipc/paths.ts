/**
 * Where the IPC endpoint lives, and when a path of it can be trusted. Everything starts from one folder,
 * `<globalStorage>/ipc` (0700): the endpoint record (which socket, which token), the lease, the windows'
 * presence files. The socket goes where only this user can create files (`socketFolder.ts`); the CLI
 * learns its path from the endpoint record and uses it only when `trustProblem` finds the folder and the
 * socket its own. Shared by the extension host and the CLI: no heavy imports.
 */
import { chmodSync, lstatSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IpcFiles } from '../constants';
import { parseEndpoint, type EndpointRecord } from './protocol';
import { t } from '../l10n';

/** Unix socket paths are limited to 104 (macOS) or 108 (Linux) bytes: stay below both. */
export const MAX_SOCKET_PATH = 100;

export interface IpcPaths {
  dir: string;
  endpoint: string;
  legacyToken: string;
  /** Touched by a CLI that waits for an answer (IpcFiles.wake). */
  wake: string;
  lease: string;
  leaseLock: string;
  windows: string;
}

export function ipcPaths(dir: string): IpcPaths {
  const abs = resolve(dir);
  return {
    dir: abs,
    endpoint: join(abs, IpcFiles.endpoint),
    legacyToken: join(abs, IpcFiles.legacyToken),
    wake: join(abs, IpcFiles.wake),
    lease: join(abs, IpcFiles.lease),
    leaseLock: join(abs, IpcFiles.leaseLock),
    windows: join(abs, IpcFiles.windows),
  };
}

/** A path of the endpoint that this window cannot use, and why in words (with what to do). */
export class IpcSetupError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${reason} (${path})`);
    this.name = 'IpcSetupError';
  }
}

export const currentUid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

export type TrustCheck = { ok: true } | { ok: false; missing: boolean; reason: string };

/**
 * May this process trust `path` as a private folder, a socket or a file (e.g. the endpoint's, or the AWS CLI's
 * SSO token cache)? Looked at with
 * lstat (a symbolic link is refused, never followed): it must be of that kind, belong to this user and not
 * be writable by the group or others (who could otherwise swap the socket). Windows has no such modes; the
 * handshake alone proves the peer there.
 */
export function trustProblem(path: string, kind: 'folder' | 'socket' | 'file', platform: NodeJS.Platform = process.platform): TrustCheck {
  if (platform === 'win32') return { ok: true };
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { ok: false, missing: true, reason: t('{0} does not exist', path) };
  const bad = (reason: string): TrustCheck => ({ ok: false, missing: false, reason });
  if (st.isSymbolicLink()) return bad(t('{0} is a symbolic link, which AWS Sessions does not follow for its private files', path));
  if (kind === 'folder' && !st.isDirectory()) return bad(t('{0} is not a folder', path));
  if (kind === 'socket' && !st.isSocket()) return bad(t('{0} is not a socket', path));
  if (kind === 'file' && !st.isFile()) return bad(t('{0} is not a regular file', path));
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) return bad(t('{0} belongs to another user (uid {1}), not to you (uid {2})', path, st.uid, uid));
  if ((st.mode & 0o022) !== 0) return bad(t('{0} can be changed by other users (mode {1})', path, (st.mode & 0o777).toString(8)));
  return { ok: true };
}

/**
 * Create a folder only this user can enter (0700), tightening the mode of an existing one of ours; a
 * folder of another user, a symbolic link or a file in its place is refused with what to do.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new IpcSetupError(dir, t('the folder cannot be created ({0}); check the permissions of its parent folders', code));
  }
  if (process.platform === 'win32') return;
  const st = lstatSync(dir);
  const uid = currentUid();
  if (st.isDirectory() && !st.isSymbolicLink() && (uid === undefined || st.uid === uid)) {
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return;
  }
  const check = trustProblem(dir, 'folder');
  const reason = check.ok ? t('{0} is not usable', dir) : check.reason;
  const advice = st.isSymbolicLink() || !st.isDirectory() ? t('remove it and reload the window') : t('was VS Code run with sudo? Remove the folder (sudo rm -r it) and reload the window');
  throw new IpcSetupError(dir, `${reason}: ${advice}`);
}

/** The endpoint record of the IPC folder (socket and token of the serving window), if there is a valid one. */
export function readEndpoint(paths: IpcPaths): EndpointRecord | undefined {
  try {
    return parseEndpoint(readFileSync(paths.endpoint, 'utf8'));
  } catch {
    return undefined;
  }
}
