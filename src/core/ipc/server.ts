/**
 * The IPC server: a Unix domain socket (named pipe on Windows) with a new random name per server, in a
 * folder only this user can create (`socketFolder.ts`); its path and a fresh token go into the endpoint
 * record (0600, in the private IPC folder) once it listens. Each connection: the client's hello, our proof,
 * the client's proof and request, one sealed reply (`handshake.ts`). A bad frame gets an error reply (never
 * echoing input) and the connection is closed.
 */
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { proofOf, randomToken, sameProof, sealOf } from './handshake';
import { encodeFrame, FrameReader, MAX_REPLY_BYTES, MAX_REQUEST_BYTES, MAX_SEALED_BYTES, parseHello, PROTOCOL_VERSION, ProtocolError, requestProof, type EndpointRecord, type ErrorCode, type Reply } from './protocol';
import { METHOD_NAMES, parseRequest, UnknownMethodError, type Method, type MethodCall, type MethodHandlers } from './methods';
import { join } from 'node:path';
import { ensurePrivateDir, IpcSetupError, readEndpoint, trustProblem, type IpcPaths } from './paths';
import { chooseSocketFolder, newSocketPath, removeOldSockets } from './socketFolder';
import { closeSocketServer } from './closeServer';
import { t } from '../l10n';

/** A failure the handler wants the CLI to see with a specific code. */
export class IpcError extends Error {
  constructor(readonly code: ErrorCode, message: string) {
    super(message);
    this.name = 'IpcError';
  }
}

/** Serves one request whose params passed its method's schema. */
export type IpcHandler = (call: MethodCall) => Promise<unknown>;

/** The handler that hands each request to the typed handler of its method. */
export function serveMethods(handlers: MethodHandlers): IpcHandler {
  return (call) => dispatch(handlers, call);
}

function dispatch<M extends Method>(handlers: MethodHandlers, call: MethodCall<M>): Promise<unknown> {
  const handler: MethodHandlers[M] = handlers[call.method];
  return handler(call.params);
}

export interface IpcServerOptions {
  paths: IpcPaths;
  handler: IpcHandler;
  /** Maps a handler's non-IpcError failure to the one-line message the CLI prints. */
  describeError?: (error: unknown) => { code: ErrorCode; message: string };
  /** Time a client has to complete its handshake and request (default 5 s). */
  requestTimeoutMs?: number;
  maxConnections?: number;
  onLog?: (message: string) => void;
  /** XDG_RUNTIME_DIR and the like (default process.env); the temp folder (default os.tmpdir()). */
  env?: Readonly<Record<string, string | undefined>>;
  tempDir?: string;
}

export class IpcServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private token = '';
  private socketPath = '';
  private socketIno = 0;

  constructor(private readonly opts: IpcServerOptions) {}

  /** The socket (or pipe) this server listens on, once listening. */
  get socket(): string {
    return this.socketPath;
  }

  /**
   * Choose a private socket folder, listen on a new socket name, then publish `{socket, token}` in the
   * endpoint record. Throws IpcSetupError (path and reason) when this window cannot serve.
   */
  async listen(): Promise<void> {
    const { paths } = this.opts;
    ensurePrivateDir(paths.dir);
    const previous = readEndpoint(paths);
    const win = process.platform === 'win32';
    const choose = (previousSocket: string | undefined) =>
      win ? paths.dir : chooseSocketFolder(paths, { env: this.opts.env, previousSocket, tempDir: this.opts.tempDir, onNote: (m) => this.opts.onLog?.(`IPC: ${m}`) });
    let folder = choose(previous?.socket);
    const token = randomToken();
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? 128;
    let socketPath = '';
    for (let i = 0; ; i++) {
      socketPath = newSocketPath(folder, paths, randomBytes(3).toString('hex'));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(socketPath, () => {
            server.off('error', reject);
            resolve();
          });
        });
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        if (code === 'EADDRINUSE' && i < 3) continue;
        // The previous server removed its emptied folder between our choice and our listen: choose again.
        if (code === 'ENOENT' && i < 3) {
          folder = choose(undefined);
          continue;
        }
        throw new IpcSetupError(socketPath, t('cannot listen on the socket ({0})', code));
      }
    }
    if (!win) {
      await fs.chmod(socketPath, 0o600);
      removeOldSockets(folder, socketPath);
    }
    this.token = token;
    this.socketPath = socketPath;
    this.socketIno = win ? 0 : (await fs.lstat(socketPath)).ino;
    await this.publish();
    // What a server of the first protocol left: its token file, and its socket when it was in this folder.
    await fs.unlink(paths.legacyToken).catch(() => undefined);
    if (!win && trustProblem(join(paths.dir, 'cli.sock'), 'socket').ok) await fs.unlink(join(paths.dir, 'cli.sock')).catch(() => undefined);
    server.on('error', (e) => this.opts.onLog?.(`IPC server error: ${e.message}`));
    this.server = server;
  }

  /** Write `{socket, token}` into the endpoint record (0600, atomically). */
  private async publish(): Promise<void> {
    const { paths } = this.opts;
    const record: EndpointRecord = { v: PROTOCOL_VERSION, socket: this.socketPath, token: this.token, methods: METHOD_NAMES };
    const tmp = `${paths.endpoint}.${process.pid}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
    await fs.rename(tmp, paths.endpoint);
  }

  /**
   * While serving (on a change in the IPC folder, or a waiting CLI's wake): heal what others removed — the socket file (a temp cleaner, the
   * runtime folder at logout) by listening again, the endpoint record (a window that lost the lease just
   * before us, a hand edit) by writing it again.
   */
  async check(): Promise<void> {
    if (!this.server) return;
    if (process.platform !== 'win32') {
      const st = await fs.lstat(this.socketPath).catch(() => undefined);
      if (!st || st.ino !== this.socketIno) {
        this.opts.onLog?.(`IPC: the socket ${this.socketPath} was removed; listening on a new one.`);
        await this.close();
        await this.listen();
        return;
      }
    }
    if (readEndpoint(this.opts.paths)?.token !== this.token) await this.publish();
  }

  get listening(): boolean {
    return !!this.server?.listening;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    // The endpoint record stays: removing it could remove a successor's (written between our check and the
    // unlink); a record naming a closed socket only makes the CLI wait for the next.
    if (server) await closeSocketServer(server, this.sockets, this.socketPath);
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    const reader = new FrameReader(MAX_REQUEST_BYTES);
    let clientNonce: string | undefined;
    let serverNonce = '';
    let handled = false;
    const timer = setTimeout(() => socket.destroy(), this.opts.requestTimeoutMs ?? 5000);
    const send = (value: unknown, limit?: number) => {
      if (socket.destroyed) return;
      socket.end(encodeFrame(value, limit));
    };
    /** An unsealed error: before the client has proved itself, it gets nothing bound to the token. */
    const refuse = (code: ErrorCode, message: string) => {
      handled = true;
      clearTimeout(timer);
      send({ ok: false, code, message } satisfies Reply);
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
        refuse('badRequest', error instanceof ProtocolError ? error.message : t('bad frame'));
        return;
      }
      for (const frame of frames) {
        if (handled) return;
        if (clientNonce === undefined) {
          try {
            clientNonce = parseHello(frame).hello;
          } catch (error) {
            refuse('badRequest', error instanceof ProtocolError ? error.message : t('bad hello'));
            return;
          }
          serverNonce = randomToken();
          if (!socket.destroyed) socket.write(encodeFrame({ v: PROTOCOL_VERSION, nonce: serverNonce, proof: proofOf(this.token, 'server', clientNonce, serverNonce) }));
          continue;
        }
        const proof = requestProof(frame);
        if (!proof || !this.token || !sameProof(proof, proofOf(this.token, 'client', clientNonce, serverNonce))) {
          refuse('unauthorized', t('the request does not prove that it comes from a holder of the current token'));
          return;
        }
        handled = true;
        clearTimeout(timer);
        const [cn, sn, token] = [clientNonce, serverNonce, this.token];
        void this.handle(frame).then((reply) => {
          let text: string;
          try {
            text = JSON.stringify(reply);
            if (Buffer.byteLength(text) > MAX_REPLY_BYTES) throw new ProtocolError(t('the reply of {0} bytes exceeds the limit of {1}', Buffer.byteLength(text), MAX_REPLY_BYTES));
          } catch (error) {
            text = JSON.stringify({ ok: false, code: 'failed', message: error instanceof Error ? error.message : 'reply too large' } satisfies Reply);
          }
          send({ reply: text, mac: sealOf(token, cn, sn, text) }, MAX_SEALED_BYTES);
        });
        return;
      }
    });
  }

  private async handle(frame: unknown): Promise<Reply> {
    let request;
    try {
      request = parseRequest(frame);
    } catch (error) {
      if (error instanceof UnknownMethodError) return { ok: false, code: 'unsupported', message: error.message };
      return { ok: false, code: 'badRequest', message: error instanceof ProtocolError ? error.message : t('bad request') };
    }
    try {
      const result = await this.opts.handler(request);
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
