/**
 * The CLI side of the IPC endpoint. Each attempt reads the endpoint record afresh (a window taking over
 * writes a new one), trusts the socket only if its folder and the socket are this user's and nobody else
 * can change them, and sends nothing but a random challenge until the server has proved that it holds the
 * token; the reply counts only with a valid seal. While a window lives that serves or may take over, the
 * client waits through the hand-over instead of failing. Kept free of heavy imports: the CLI must start fast.
 */
import { createConnection } from 'node:net';
import { dirname } from 'node:path';
import { proofOf, randomToken, sameProof, sealOf } from './handshake';
import { readEndpoint, trustProblem, type IpcPaths } from './paths';
import { handOverState, pokeWindows } from './presence';
import { encodeFrame, FrameReader, MAX_REQUEST_BYTES, MAX_SEALED_BYTES, olderWindowProblem, parseChallenge, parseReply, parseSealed, PROTOCOL_VERSION, type EndpointRecord, type Reply } from './protocol';
import type { Method, Params } from './methods';
import { t } from '../l10n';

export type ClientFailure = 'noServer' | 'timeout' | 'protocol' | 'untrusted';

export class IpcClientError extends Error {
  constructor(readonly failure: ClientFailure, message: string) {
    super(message);
    this.name = 'IpcClientError';
  }
}

export interface CallOptions {
  /** Keep trying this long even when no window is known to run (default 4 s: one may be starting). */
  connectWindowMs?: number;
  /** While a window lives that serves or may take over, keep trying up to this long (default 300 s). */
  handOverWaitMs?: number;
  /** How long to wait for the reply once sent (default 300 s: an MFA prompt may be open). */
  replyTimeoutMs?: number;
  /** How long the server has to answer the challenge (default 10 s; then the attempt is repeated). */
  handshakeTimeoutMs?: number;
  /** Retry after the server vanished mid-request (only for methods safe to repeat). */
  retryAfterSend?: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

type Attempt =
  | { kind: 'reply'; reply: Reply }
  /** Nothing but a challenge was sent: try again. */
  | { kind: 'unreachable'; reason: string }
  /** The folder or socket may be someone else's: nothing was sent. `final` when no window of ours can fix it. */
  | { kind: 'untrusted'; reason: string; final: boolean }
  /** The peer did not prove that it holds the token: only a random challenge was sent. */
  | { kind: 'impostor'; reason: string; endpoint: EndpointRecord }
  /** The request went out but the reply's seal is wrong. */
  | { kind: 'forged'; reason: string; endpoint: EndpointRecord }
  /** The request went out and the connection closed before a reply. */
  | { kind: 'lost' };

function checkPaths(paths: IpcPaths): Attempt | EndpointRecord {
  const dir = trustProblem(paths.dir, 'folder');
  if (!dir.ok) return dir.missing ? { kind: 'unreachable', reason: t('no IPC folder') } : { kind: 'untrusted', reason: t('the AWS Sessions folder cannot be trusted: {0}', dir.reason), final: true };
  const endpoint = readEndpoint(paths);
  if (!endpoint) return { kind: 'unreachable', reason: t('no endpoint record') };
  for (const [path, kind] of [
    [dirname(endpoint.socket), 'folder'],
    [endpoint.socket, 'socket'],
  ] as const) {
    const check = trustProblem(path, kind);
    if (!check.ok) return check.missing ? { kind: 'unreachable', reason: t('no socket') } : { kind: 'untrusted', reason: t('the socket of the editor cannot be trusted: {0}', check.reason), final: false };
  }
  return endpoint;
}

function exchange<M extends Method>(endpoint: EndpointRecord, method: M, params: Params<M>, replyTimeoutMs: number, handshakeTimeoutMs: number): Promise<Attempt> {
  const { token } = endpoint;
  return new Promise((resolve) => {
    const socket = createConnection(endpoint.socket);
    const reader = new FrameReader(MAX_SEALED_BYTES);
    let stage: 'hello' | 'request' = 'hello';
    let clientNonce = '';
    let serverNonce = '';
    let done = false;
    const settle = (a: Attempt) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(a);
    };
    const impostor = (reason: string) => settle({ kind: 'impostor', reason, endpoint });
    const forged = (reason: string) => settle({ kind: 'forged', reason, endpoint });
    let timer = setTimeout(() => settle({ kind: 'unreachable', reason: t('no answer to the challenge within {0} s', Math.round(handshakeTimeoutMs / 1000)) }), handshakeTimeoutMs);
    socket.on('connect', () => {
      clientNonce = randomToken();
      socket.write(encodeFrame({ v: PROTOCOL_VERSION, hello: clientNonce }, MAX_REQUEST_BYTES));
    });
    socket.on('data', (chunk) => {
      let frames: unknown[];
      try {
        frames = reader.push(chunk);
      } catch {
        return stage === 'hello' ? impostor(t('its answer is not a protocol frame')) : forged(t('the reply is not a protocol frame'));
      }
      for (const frame of frames) {
        if (done) return;
        if (stage === 'hello') {
          let challenge;
          try {
            challenge = parseChallenge(frame);
          } catch {
            return impostor(t('it did not answer the challenge'));
          }
          if (!sameProof(challenge.proof, proofOf(token, 'server', clientNonce, challenge.nonce))) return impostor(t('its proof does not match the token'));
          serverNonce = challenge.nonce;
          stage = 'request';
          clearTimeout(timer);
          timer = setTimeout(() => settle({ kind: 'reply', reply: { ok: false, code: 'timeout', message: t('no reply within {0} s', Math.round(replyTimeoutMs / 1000)) } }), replyTimeoutMs);
          let request: Buffer;
          try {
            request = encodeFrame({ v: PROTOCOL_VERSION, proof: proofOf(token, 'client', clientNonce, serverNonce), method, params }, MAX_REQUEST_BYTES);
          } catch (error) {
            return settle({ kind: 'reply', reply: { ok: false, code: 'badRequest', message: error instanceof Error ? error.message : String(error) } });
          }
          socket.write(request);
          continue;
        }
        let sealed;
        try {
          sealed = parseSealed(frame);
        } catch {
          return forged(t('the reply is not sealed'));
        }
        if (!sameProof(sealed.mac, sealOf(token, clientNonce, serverNonce, sealed.reply))) return forged(t('its seal does not match the token'));
        try {
          return settle({ kind: 'reply', reply: fromOlderWindow(endpoint, method, parseReply(JSON.parse(sealed.reply))) });
        } catch (error) {
          return settle({ kind: 'reply', reply: { ok: false, code: 'failed', message: t('unreadable reply: {0}', error instanceof Error ? error.message : String(error)) } });
        }
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => settle(stage === 'request' ? { kind: 'lost' } : { kind: 'unreachable', reason: error.code ?? error.message }));
    socket.on('close', () => settle(stage === 'request' ? { kind: 'lost' } : { kind: 'unreachable', reason: 'closed' }));
  });
}

/**
 * A window from before the endpoint record listed its methods answers a method it lacks with `badRequest`
 * ("unknown method", in its language); this CLI's params are its own method map's, so any refusal of the request
 * by such a window means the window is older: say so (exit 7), with its words.
 */
function fromOlderWindow(endpoint: EndpointRecord, method: string, reply: Reply): Reply {
  if (reply.ok || reply.code !== 'badRequest' || endpoint.methods) return reply;
  return { ok: false, code: 'unsupported', message: t('{0} (the window answered: {1})', olderWindowProblem(method), reply.message) };
}

function attempt<M extends Method>(paths: IpcPaths, method: M, params: Params<M>, replyTimeoutMs: number, handshakeTimeoutMs: number): Promise<Attempt> {
  const checked = checkPaths(paths);
  if ('kind' in checked) return Promise.resolve(checked);
  // The window says what it serves: a method it lacks is not sent.
  if (checked.methods && !checked.methods.includes(method)) return Promise.resolve({ kind: 'reply', reply: { ok: false, code: 'unsupported', message: olderWindowProblem(method) } });
  return exchange(checked, method, params, replyTimeoutMs, handshakeTimeoutMs);
}

const advice = (): string => t('open VS Code with the AWS Sessions extension and try again');

/**
 * Send one request; resolves with the server's reply, rejects with IpcClientError when no trusted server answers.
 * The result is as sent: `parseResult` (methods.ts) checks it against the method's schema where it is used.
 */
export async function callEditor<M extends Method>(paths: IpcPaths, method: M, params: Params<M>, options: CallOptions = {}): Promise<Reply> {
  const start = Date.now();
  const connectWindowMs = options.connectWindowMs ?? 4000;
  const waitMs = Math.max(connectWindowMs, options.handOverWaitMs ?? 300_000);
  const replyTimeoutMs = options.replyTimeoutMs ?? 300_000;
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  let impostorToken: string | undefined;
  let impostors = 0;
  let poked = 0;
  for (let i = 0; ; i++) {
    const result = await attempt(paths, method, params, replyTimeoutMs, handshakeTimeoutMs);
    switch (result.kind) {
      case 'reply':
        return result.reply;
      case 'forged':
        throw new IpcClientError('untrusted', t('the reply from {0} failed its integrity check ({1}) and was not used; reload the VS Code window and try again', result.endpoint.socket, result.reason));
      case 'impostor':
        // Only a record written meanwhile (a window taking over) excuses a failed proof; the same record twice never.
        if (++impostors > 3 || impostorToken === result.endpoint.token || readEndpoint(paths)?.token === result.endpoint.token) {
          throw new IpcClientError(
            'untrusted',
            t('the process listening on {0} could not prove that it is your AWS Sessions editor ({1}); it was sent nothing but a random challenge. Reload the VS Code window and try again; if this repeats, another program is standing in for the editor', result.endpoint.socket, result.reason),
          );
        }
        impostorToken = result.endpoint.token;
        continue;
      case 'untrusted':
        if (result.final) throw new IpcClientError('untrusted', t('{0}; nothing was sent. Run aws-sessions as the user who runs VS Code (not with sudo); if that is you, remove that folder and reload the VS Code window', result.reason));
        break;
      case 'lost':
        if (!options.retryAfterSend) throw new IpcClientError('protocol', t('the editor closed the connection before replying; check the editor, then run the command again'));
        break;
      case 'unreachable':
        break;
    }
    const elapsed = Date.now() - start;
    const why = result.kind === 'lost' ? t('connection lost') : result.reason;
    const untrusted = result.kind === 'untrusted' ? t('{0}: another user may be standing in for the editor, so nothing was sent. Reload the VS Code window (it then serves from a new private folder) and try again', result.reason) : undefined;
    if (elapsed >= waitMs) {
      if (untrusted) throw new IpcClientError('untrusted', untrusted);
      throw new IpcClientError('timeout', t('a VS Code window with AWS Sessions is running but none served the command line within {0} s ({1}); try again, or raise AWS_SESSIONS_TIMEOUT', Math.round(waitMs / 1000), why));
    }
    if (elapsed >= connectWindowMs) {
      const state = handOverState(paths);
      if (!state.waiting) {
        if (untrusted) throw new IpcClientError('untrusted', untrusted);
        if (state.problem) throw new IpcClientError('noServer', t('the AWS Sessions window cannot serve the command line: {0} ({1})', state.problem.reason, state.problem.path));
        throw new IpcClientError('noServer', t('no AWS Sessions editor window is running ({0}); {1}', why, advice()));
      }
    }
    // No window polls the serving one: tell them an answer is missing (is it hung?), once a second at most.
    if (result.kind !== 'untrusted' && Date.now() - poked >= 1000) {
      poked = Date.now();
      pokeWindows(paths);
    }
    await sleep(Math.min(25 * 2 ** Math.min(i, 3), 200));
  }
}
