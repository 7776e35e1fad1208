/** Closing a Unix-socket server of ours: its connections ended, the listener closed, the socket file removed. */
import { promises as fs } from 'node:fs';
import type * as net from 'node:net';

export async function closeSocketServer(server: net.Server, sockets: Set<net.Socket>, socketPath: string): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  // The socket name is ours alone (a random name in a private folder).
  if (process.platform !== 'win32') await fs.unlink(socketPath).catch(() => undefined);
}
