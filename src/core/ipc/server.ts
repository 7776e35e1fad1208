/**
 * The IPC server: a Unix domain socket (named pipe on Windows) in a 0700 folder; every request must
 * carry the token of the 0600 token file. One request and one reply per connection, length-limited,
 * schema-checked; a bad frame gets an error reply (never echoing input) and the connection is closed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { encodeFrame, FrameReader, MAX_REQUEST_BYTES, parseRequest, ProtocolError, type ErrorCode, type Method, type Params, type Reply } from './protocol';
import { ensurePrivateDir, type IpcPaths } from './paths';

/** A failure the handler wants the CLI to see with a specific code. */
export class IpcError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'IpcError';
  }
}

export type IpcHandler = (method: Method, params: Params) => Promise<unknown>;

export interface IpcServerOptions {
  paths: IpcPaths;
  handler: IpcHandler;
  /** Maps a handler's non-IpcError failure to the one-line message the CLI prints. */
  describeError?: (error: unknown) => { code: ErrorCode; message: string };
  /** Time a client has to send its request (default 5 s). */
  requestTimeoutMs?: number;
  maxConnections?: number;
  onLog?: (message: string) => void;
}

export class IpcServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private token = '';

  constructor(private readonly opts: IpcServerOptions) {}

  /** Write a fresh token (0600), replace a leftover socket file, listen. */
  async listen(): Promise<void> {
    const { paths } = this.opts;
    ensurePrivateDir(paths.dir);
    if (path.dirname(paths.socket) !== paths.dir && process.platform !== 'win32') ensurePrivateDir(path.dirname(paths.socket));
    this.token = randomBytes(32).toString('base64url');
    const tmp = `${paths.token}.${process.pid}.tmp`;
    await fs.writeFile(tmp, this.token, { mode: 0o600 });
    await fs.rename(tmp, paths.token);
    if (process.platform !== 'win32') await fs.unlink(paths.socket).catch(() => undefined);
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? 128;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(paths.socket, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') await fs.chmod(paths.socket, 0o600).catch(() => undefined);
    server.on('error', (e) => this.opts.onLog?.(`IPC server error: ${e.message}`));
    this.server = server;
  }

  get listening(): boolean {
    return !!this.server?.listening;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (process.platform !== 'win32') {
      // Only remove the socket and token if they are still ours (a successor may have replaced them).
      const current = await fs.readFile(this.opts.paths.token, 'utf8').catch(() => undefined);
      if (current === this.token) {
        await fs.unlink(this.opts.paths.socket).catch(() => undefined);
        await fs.unlink(this.opts.paths.token).catch(() => undefined);
      }
    }
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const reader = new FrameReader(MAX_REQUEST_BYTES);
    let handled = false;
    const timer = setTimeout(() => socket.destroy(), this.opts.requestTimeoutMs ?? 5000);
    const finish = (reply: Reply) => {
      if (socket.destroyed) return;
      let frame: Buffer;
      try {
        frame = encodeFrame(reply);
      } catch (error) {
        frame = encodeFrame({ ok: false, code: 'failed', message: error instanceof Error ? error.message : 'reply too large' });
      }
      socket.end(frame);
    };
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk) => {
      if (handled) return;
      let frames: unknown[];
      try {
        frames = reader.push(chunk);
      } catch (error) {
        handled = true;
        clearTimeout(timer);
        finish({ ok: false, code: 'badRequest', message: error instanceof ProtocolError ? error.message : 'bad frame' });
        return;
      }
      if (frames.length === 0) return;
      handled = true;
      clearTimeout(timer);
      void this.handle(frames[0]).then(finish);
    });
  }

  private async handle(frame: unknown): Promise<Reply> {
    let request;
    try {
      request = parseRequest(frame);
    } catch (error) {
      return { ok: false, code: 'badRequest', message: error instanceof ProtocolError ? error.message : 'bad request' };
    }
    if (!this.token || !tokensEqual(request.token, this.token)) return { ok: false, code: 'unauthorized', message: 'the request does not carry the current token' };
    try {
      const result = await this.opts.handler(request.method, request.params);
      return { ok: true, result: result ?? null };
    } catch (error) {
      if (error instanceof IpcError) return { ok: false, code: error.code, message: oneLine(error.message) };
      const described = this.opts.describeError?.(error) ?? { code: 'failed' as const, message: error instanceof Error ? error.message : String(error) };
      return { ok: false, code: described.code, message: oneLine(described.message) };
    }
  }
}

function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').slice(0, 2000);
}

/** Constant-time comparison of the request's token with the current one. */
export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
