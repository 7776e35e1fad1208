
import { t } from '../l10n';/**
 * The wire protocol between the `aws-sessions` CLI and the extension host serving the IPC endpoint.
 *
 * One connection carries one handshake, one request and one reply. A frame is a 4-byte big-endian length
 * followed by that many bytes of UTF-8 JSON; frames above the limit are refused before they are buffered.
 *   CLI → Hello `{v, hello: cn}` · server → Challenge `{v, nonce: sn, proof}` · CLI → Request `{v, proof, method, params}`
 *   (method and params as the method map in `methods.ts` types and checks them)
 *   · server → Sealed `{reply: "<Reply as JSON text>", mac}`.
 * The proofs and the seal are HMACs with the token of the endpoint record (`handshake.ts`): the token never
 * crosses the socket, a peer that does not hold it learns nothing but a nonce and is never believed.
 * A frame refused before the client's proof is checked gets a plain (unsealed) error Reply.
 * Plain TypeScript without any import, so the CLI stays small and starts fast.
 */
/**
 * The version of the handshake and of the request shape. 3: params carry booleans and nested maps as the
 * method map types them (2 had flat string maps). The lease and the endpoint record carry it, so a CLI and a
 * window of different versions refuse each other with a reason instead of misreading a request.
 */
export const PROTOCOL_VERSION = 3;
/** Requests are small; replies may list thousands of sessions. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;
/** A sealed reply carries the reply as a JSON string: escaping at most doubles it. */
export const MAX_SEALED_BYTES = 2 * MAX_REPLY_BYTES + 4096;

export interface Hello {
  v: typeof PROTOCOL_VERSION;
  /** The client's nonce. */
  hello: string;
}

export interface Challenge {
  v: typeof PROTOCOL_VERSION;
  nonce: string;
  proof: string;
}

/** The envelope of a request; its method and params are typed and checked by the method map (`methods.ts`). */
export interface Request {
  v: typeof PROTOCOL_VERSION;
  proof: string;
}

export interface Sealed {
  /** The Reply, as the JSON text the seal covers. */
  reply: string;
  mac: string;
}

/** What the endpoint record (IpcFiles.endpoint) holds. */
export interface EndpointRecord {
  v: typeof PROTOCOL_VERSION;
  socket: string;
  token: string;
  /**
   * The methods the serving window knows. Methods are added within a protocol version (a request's shape does
   * not change), so a CLI newer than the window asks for one it lacks: the CLI refuses that itself, naming the
   * method. Absent: a window from before the list, which may lack any method added since.
   */
  methods?: readonly string[];
}

/** Most method names an endpoint record may list, and their longest name. */
const MAX_METHODS = 256;
const METHOD_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** Why a request failed; the CLI maps each to a documented exit code. */
export const ERROR_CODES = ['badRequest', 'unauthorized', 'notFound', 'cancelled', 'timeout', 'failed', 'unsupported', 'conflict'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Reply = { ok: true; result: unknown } | { ok: false; code: ErrorCode; message: string };

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encodeFrame(value: unknown, limit: number = MAX_REPLY_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  if (body.length > limit) throw new ProtocolError(t('frame of {0} bytes exceeds the limit of {1}', body.length, limit));
  const header = Buffer.alloc(4);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/**
 * Accumulates bytes and yields whole frames. Throws ProtocolError as soon as a header announces an
 * oversized frame, so a peer cannot make us buffer more than limit + 4 bytes.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: unknown[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > this.limit) throw new ProtocolError(t('frame of {0} bytes exceeds the limit of {1}', length, this.limit));
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      try {
        frames.push(JSON.parse(body));
      } catch {
        throw new ProtocolError(t('frame is not valid JSON'));
      }
    }
    if (this.buffer.length > this.limit + 4) throw new ProtocolError(t('too much data'));
    return frames;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Nonces, proofs and tokens: base64url, 22 to 128 characters. */
const TOKENISH = /^[A-Za-z0-9_-]{22,128}$/;

function exactRecord(value: unknown, what: string, keys: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw new ProtocolError(t('{0} is not a JSON object', what));
  for (const key of Object.keys(value)) if (!keys.includes(key)) throw new ProtocolError(t('unknown {0} field "{1}"', what, key.slice(0, 32)));
  if (value.v !== PROTOCOL_VERSION) throw new ProtocolError(versionProblem(value.v));
  return value;
}

/**
 * Why a frame of another protocol version is refused. The two ends come from different versions of AWS
 * Sessions: a window not reloaded since an update, or a command line run from an older extension folder.
 */
export function versionProblem(version: unknown): string {
  const theirs = typeof version === 'number' ? t('protocol version {0}', version) : t('no protocol version');
  return t('unsupported protocol version: the other side speaks {0}, this side {1}. The aws-sessions command line and the VS Code window come from different versions of AWS Sessions: reload the older window (Developer: Reload Window) and run the aws-sessions shim the current one installs', theirs, PROTOCOL_VERSION);
}

const tokenish = (v: unknown): v is string => typeof v === 'string' && TOKENISH.test(v);

export function parseHello(value: unknown): Hello {
  const r = exactRecord(value, 'hello', ['v', 'hello']);
  if (!tokenish(r.hello)) throw new ProtocolError(t('hello nonce missing or malformed'));
  return { v: PROTOCOL_VERSION, hello: r.hello };
}

export function parseChallenge(value: unknown): Challenge {
  const r = exactRecord(value, 'challenge', ['v', 'nonce', 'proof']);
  if (!tokenish(r.nonce) || !tokenish(r.proof)) throw new ProtocolError(t('challenge malformed'));
  return { v: PROTOCOL_VERSION, nonce: r.nonce, proof: r.proof };
}

/** The proof of a request frame, if it has a well-formed one (checked before the rest of the schema). */
export function requestProof(value: unknown): string | undefined {
  return isRecord(value) && tokenish(value.proof) ? value.proof : undefined;
}

export function parseSealed(value: unknown): Sealed {
  if (!isRecord(value) || Object.keys(value).length !== 2 || typeof value.reply !== 'string' || !tokenish(value.mac)) throw new ProtocolError(t('the reply is not sealed'));
  return { reply: value.reply, mac: value.mac };
}

/** The endpoint record as read from its file; undefined when it is not one. */
export function parseEndpoint(text: string): EndpointRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.v !== PROTOCOL_VERSION || typeof value.socket !== 'string' || value.socket.length === 0 || !tokenish(value.token)) return undefined;
  const methods = value.methods;
  const listed = Array.isArray(methods) && methods.length <= MAX_METHODS && methods.every((m) => typeof m === 'string' && METHOD_NAME.test(m));
  return { v: PROTOCOL_VERSION, socket: value.socket, token: value.token, ...(listed ? { methods: methods as string[] } : {}) };
}

/**
 * Why a method is refused by a window older than the command line (same protocol, fewer methods): named, with
 * what to do. `method` is the CLI's own method name, or a request's when it is a plain name (never other input).
 */
export function olderWindowProblem(method: string): string {
  const name = METHOD_NAME.test(method) ? method : '?';
  return t('the VS Code window serving the command line runs an older version of AWS Sessions than this aws-sessions: it does not know "{0}" (both speak protocol {1}; the method came later). Update AWS Sessions in that window and reload it (Developer: Reload Window), then run the command again', name, PROTOCOL_VERSION);
}

/** Schema check of a reply frame (the CLI side). */
export function parseReply(value: unknown): Reply {
  if (!isRecord(value) || typeof value.ok !== 'boolean') throw new ProtocolError(t('reply is not a protocol reply'));
  if (value.ok) return { ok: true, result: value.result };
  if (typeof value.message !== 'string' || typeof value.code !== 'string' || !(ERROR_CODES as readonly string[]).includes(value.code)) {
    throw new ProtocolError(t('error reply is malformed'));
  }
  return { ok: false, code: value.code as ErrorCode, message: value.message };
}
