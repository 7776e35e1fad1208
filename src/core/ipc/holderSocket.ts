/**
 * How standby windows know the lease holder lives without a heartbeat: the holder listens on a small
 * liveness socket (0600, beside its IPC socket, named in the lease) that echoes one byte; each standby
 * window stays connected to it. When the holder's process ends, the system closes the connection and the
 * standby window looks at the lease at once; a holder that is alive but hung is found by a probe that gets
 * no echo in time (a probe runs only when something happened: the lease changed, or a CLI waited).
 * Nothing runs while nothing happens.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import { basename, dirname, join } from 'node:path';
import { IpcFiles } from '../constants';

/** The liveness socket that goes with an IPC socket: `liv-<its random>.sock` beside it (a name of the same length fits), or a pipe. */
export function livenessPathFor(ipcSocket: string): string {
  if (process.platform === 'win32') return `${ipcSocket}-live`;
  return join(dirname(ipcSocket), `${IpcFiles.livePrefix}${basename(ipcSocket).slice(IpcFiles.socketPrefix.length)}`);
}

/** The holder's side: accepts connections and echoes a byte per chunk; closing it ends every connection. */
export class LivenessServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();

  constructor(readonly path: string) {}

  async listen(): Promise<void> {
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('data', (chunk) => socket.write(chunk.subarray(0, 1)));
      socket.unref();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') await fs.chmod(this.path, 0o600).catch(() => undefined);
    server.unref();
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (process.platform !== 'win32') await fs.unlink(this.path).catch(() => undefined);
  }
}

/** A standby window's connection to the holder's liveness socket. */
export class HolderWatch {
  private socket?: net.Socket;
  private path?: string;
  private probe?: (answered: boolean) => void;

  /** `onEnd`: an established connection closed (the holder ended or released the lease). */
  constructor(private readonly onEnd: () => void) {}

  /** Whether the holder listening at `path` echoes within `ms` (connects first unless connected to it). */
  answers(path: string, ms: number): Promise<boolean> {
    if (this.path !== path) this.close();
    this.probe?.(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), ms);
      timer.unref?.();
      const done = (answered: boolean) => {
        clearTimeout(timer);
        if (this.probe === done) this.probe = undefined;
        resolve(answered);
      };
      this.probe = done;
      if (this.socket) {
        this.socket.write('p');
        return;
      }
      const socket = net.connect(path);
      this.socket = socket;
      this.path = path;
      let connected = false;
      socket.unref();
      socket.on('connect', () => {
        connected = true;
        socket.write('p');
      });
      socket.on('data', () => this.probe?.(true));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        if (this.socket !== socket) return;
        this.socket = undefined;
        this.path = undefined;
        this.probe?.(false);
        if (connected) this.onEnd();
      });
    });
  }

  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.path = undefined;
    socket?.destroy();
  }
}
