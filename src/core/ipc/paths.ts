/**
 * Where the IPC endpoint lives, computed the same way by the extension host and the CLI from one
 * folder (`<globalStorage>/ipc`, 0700). Unix socket paths are limited to ~104 bytes: a longer one moves
 * to a 0700 folder under the temp dir named after a hash of the IPC folder. Windows uses a named pipe.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, chmodSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { IpcFiles } from '../constants';

const MAX_SOCKET_PATH = 100;

export interface IpcPaths {
  dir: string;
  token: string;
  lease: string;
  leaseLock: string;
  socket: string;
}

export function ipcPaths(dir: string, platform: NodeJS.Platform = process.platform): IpcPaths {
  const abs = path.resolve(dir);
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 16);
  let socket: string;
  if (platform === 'win32') socket = `\\\\.\\pipe\\aws-sessions-${hash}`;
  else {
    socket = path.join(abs, IpcFiles.socket);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) socket = path.join(shortSocketDir(hash), IpcFiles.socket);
  }
  return { dir: abs, token: path.join(abs, IpcFiles.token), lease: path.join(abs, IpcFiles.lease), leaseLock: path.join(abs, IpcFiles.leaseLock), socket };
}

function shortSocketDir(hash: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(tmpdir(), `aws-sessions-${uid}-${hash}`);
}

/**
 * Create a folder only this user can enter (0700), tightening the mode of an existing one and refusing
 * one owned by someone else or reached through a symlink.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder; remove it so AWS Sessions can create its private IPC folder.`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : st.uid;
  if (st.uid !== uid) throw new Error(`${dir} belongs to another user; AWS Sessions will not serve credentials through it.`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
