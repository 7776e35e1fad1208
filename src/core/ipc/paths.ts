/**
 * Where the IPC endpoint lives, computed the same way by the extension host and the CLI from one
 * folder (`<globalStorage>/ipc`, 0700). Unix socket paths are limited to ~104 bytes: a longer one moves
 * to a 0700 folder under the temp dir named after a hash of the IPC folder. Windows uses a named pipe.
 */
import { mkdirSync, chmodSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  const abs = resolve(dir);
  let socket: string;
  if (platform === 'win32') socket = `\\\\.\\pipe\\aws-sessions-${folderHash(abs)}`;
  else {
    socket = join(abs, IpcFiles.socket);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) socket = join(shortSocketDir(folderHash(abs)), IpcFiles.socket);
  }
  return { dir: abs, token: join(abs, IpcFiles.token), lease: join(abs, IpcFiles.lease), leaseLock: join(abs, IpcFiles.leaseLock), socket };
}

/**
 * 64 bits of FNV-1a over the folder path, as hex: a stable, distinct name per IPC folder. Not a secret and
 * not a security boundary (the folder it names is private and ownership-checked); avoids loading
 * node:crypto in the CLI, whose start-up time is the cost of every credential_process call.
 */
function folderHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193 + 2) >>> 0;
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}

function shortSocketDir(hash: string): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(tmpdir(), `aws-sessions-${uid}-${hash}`);
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
