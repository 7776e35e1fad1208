/** Closing a Unix-socket server of ours: its connections ended, the listener closed, the socket file removed. */
import { promises as fs } from 'node:fs';
import type * as net from 'node:net';
import { basename, dirname } from 'node:path';
import { SOCKET_TEMP_PREFIX } from './socketFolder';

export async function closeSocketServer(server: net.Server, sockets: Set<net.Socket>, socketPath: string): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (process.platform === 'win32') return;
  // The socket name is ours alone (a random name in a private folder).
  await fs.unlink(socketPath).catch(() => undefined);
  // A socket folder made for us outside the IPC folder (temp or runtime dir) goes with its last socket; rmdir
  // leaves a folder that still holds a socket (the liveness socket, a successor's) alone.
  const folder = dirname(socketPath);
  if (basename(folder).startsWith(SOCKET_TEMP_PREFIX)) await fs.rmdir(folder).catch(() => undefined);
}
