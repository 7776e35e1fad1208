/**
 * The CLI side of the IPC endpoint. Reads the token fresh for every attempt (a window taking over
 * writes a new one) and retries connecting for a while, so a call made during a hand-over between
 * windows succeeds once the next window listens. Kept free of heavy imports: the CLI must start fast.
 */
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { encodeFrame, FrameReader, MAX_REPLY_BYTES, MAX_REQUEST_BYTES, parseReply, PROTOCOL_VERSION, type Method, type Params, type Reply } from './protocol';
import type { IpcPaths } from './paths';

export type ClientFailure = 'noServer' | 'timeout' | 'protocol';

export class IpcClientError extends Error {
  constructor(readonly failure: ClientFailure, message: string) {
    super(message);
    this.name = 'IpcClientError';
  }
}

export interface CallOptions {
  /** How long to keep retrying to reach a server (default 4 s, covers a hand-over). */
  connectWindowMs?: number;
  /** How long to wait for the reply once sent (default 300 s: an MFA prompt may be open). */
  replyTimeoutMs?: number;
  /** Retry after the server vanished mid-request (only for methods safe to repeat). */
  retryAfterSend?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Attempt = { kind: 'reply'; reply: Reply } | { kind: 'unreachable'; reason: string } | { kind: 'lost' };

function attempt(paths: IpcPaths, method: Method, params: Params, replyTimeoutMs: number): Promise<Attempt> {
  let token: string;
  try {
    token = readFileSync(paths.token, 'utf8').trim();
  } catch {
    return Promise.resolve({ kind: 'unreachable', reason: 'no token file' });
  }
  return new Promise((resolve) => {
    const socket = createConnection(paths.socket);
    const reader = new FrameReader(MAX_REPLY_BYTES);
    let sent = false;
    let done = false;
    const settle = (a: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    const timer = setTimeout(() => settle(sent ? { kind: 'reply', reply: { ok: false, code: 'timeout', message: `no reply within ${Math.round(replyTimeoutMs / 1000)} s` } } : { kind: 'unreachable', reason: 'connect timeout' }), replyTimeoutMs);
    socket.on('connect', () => {
      sent = true;
      socket.write(encodeFrame({ v: PROTOCOL_VERSION, token, method, params }, MAX_REQUEST_BYTES));
    });
    socket.on('data', (chunk) => {
      try {
        const frames = reader.push(chunk);
        if (frames.length > 0) settle({ kind: 'reply', reply: parseReply(frames[0]) });
      } catch (error) {
        settle({ kind: 'reply', reply: { ok: false, code: 'failed', message: `unreadable reply: ${error instanceof Error ? error.message : String(error)}` } });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => settle(sent ? { kind: 'lost' } : { kind: 'unreachable', reason: error.code ?? error.message }));
    socket.on('close', () => settle(sent ? { kind: 'lost' } : { kind: 'unreachable', reason: 'closed' }));
  });
}

/** Send one request; resolves with the server's reply, rejects with IpcClientError when no server answers. */
export async function callEditor(paths: IpcPaths, method: Method, params: Params = {}, options: CallOptions = {}): Promise<Reply> {
  const connectWindowMs = options.connectWindowMs ?? 4000;
  const replyTimeoutMs = options.replyTimeoutMs ?? 300_000;
  const deadline = Date.now() + connectWindowMs;
  let unauthorizedRetries = 0;
  let last = '';
  for (let i = 0; ; i++) {
    const result = await attempt(paths, method, params, replyTimeoutMs);
    if (result.kind === 'reply') {
      // A new server writes a new token: read it again once.
      if (!result.reply.ok && result.reply.code === 'unauthorized' && unauthorizedRetries++ < 2) {
        await sleep(50);
        continue;
      }
      return result.reply;
    }
    if (result.kind === 'lost') {
      if (!options.retryAfterSend) throw new IpcClientError('protocol', 'the editor closed the connection before replying; check the editor, then run the command again');
      last = 'connection lost';
    } else last = result.reason;
    if (Date.now() >= deadline) break;
    await sleep(Math.min(25 * 2 ** Math.min(i, 3), 200));
  }
  throw new IpcClientError('noServer', `no AWS Sessions editor window is running (${last}); open VS Code with the AWS Sessions extension and try again`);
}
