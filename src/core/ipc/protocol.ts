/**
 * The wire protocol between the `aws-sessions` CLI and the extension host serving the IPC endpoint.
 *
 * One connection carries one request and one reply. A frame is a 4-byte big-endian length followed by
 * that many bytes of UTF-8 JSON. Frames above the limit (MAX_REQUEST_BYTES / MAX_REPLY_BYTES) are refused before they are buffered.
 * Every request carries the token read from the 0600 token file; the server compares it in constant time.
 * Plain TypeScript without any import, so the CLI stays small and starts fast.
 */
export const PROTOCOL_VERSION = 1;
/** Requests are small; replies may list thousands of sessions. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

export const METHODS = [
  'ping',
  'generate',
  'list',
  'start',
  'stop',
  'current',
  'types',
  'add',
  'delete',
  'profileList',
  'profileCreate',
  'profileDelete',
  'profileRename',
  'region',
  'console',
] as const;
export type Method = (typeof METHODS)[number];

/** Parameters are flat string maps: every CLI argument is a string and nothing nested needs checking. */
export type Params = Record<string, string>;

export interface Request {
  v: typeof PROTOCOL_VERSION;
  token: string;
  method: Method;
  params: Params;
}

/** Why a request failed; the CLI maps each to a documented exit code. */
export const ERROR_CODES = ['badRequest', 'unauthorized', 'notFound', 'cancelled', 'timeout', 'failed', 'unsupported', 'conflict'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Reply = { ok: true; result: unknown } | { ok: false; code: ErrorCode; message: string };

/** The credential_process output format (Version 1). */
export interface ProcessCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
}

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export function encodeFrame(value: unknown, limit: number = MAX_REPLY_BYTES): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  if (body.length > limit) throw new ProtocolError(`frame of ${body.length} bytes exceeds the limit of ${limit}`);
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
      if (length > this.limit) throw new ProtocolError(`frame of ${length} bytes exceeds the limit of ${this.limit}`);
      if (this.buffer.length < 4 + length) break;
      const body = this.buffer.subarray(4, 4 + length).toString('utf8');
      this.buffer = this.buffer.subarray(4 + length);
      try {
        frames.push(JSON.parse(body));
      } catch {
        throw new ProtocolError('frame is not valid JSON');
      }
    }
    if (this.buffer.length > this.limit + 4) throw new ProtocolError('too much data');
    return frames;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_PARAMS = 64;
const MAX_PARAM_CHARS = 8192;

/** Schema check of a request frame; throws ProtocolError naming the first problem (never echoing values). */
export function parseRequest(value: unknown): Request {
  if (!isRecord(value)) throw new ProtocolError('request is not a JSON object');
  for (const key of Object.keys(value)) if (!['v', 'token', 'method', 'params'].includes(key)) throw new ProtocolError(`unknown request field "${key.slice(0, 32)}"`);
  if (value.v !== PROTOCOL_VERSION) throw new ProtocolError(`unsupported protocol version (this editor speaks ${PROTOCOL_VERSION})`);
  if (typeof value.token !== 'string' || value.token.length === 0 || value.token.length > 256) throw new ProtocolError('token missing or malformed');
  if (typeof value.method !== 'string' || !(METHODS as readonly string[]).includes(value.method)) throw new ProtocolError('unknown method');
  const params = value.params ?? {};
  if (!isRecord(params)) throw new ProtocolError('params is not an object');
  const entries = Object.entries(params);
  if (entries.length > MAX_PARAMS) throw new ProtocolError('too many params');
  const clean: Params = Object.create(null) as Params;
  for (const [k, v] of entries) {
    if (typeof v !== 'string' || v.length > MAX_PARAM_CHARS || k.length > 64 || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(k)) throw new ProtocolError(`param "${k.slice(0, 32)}" is malformed`);
    clean[k] = v;
  }
  return { v: PROTOCOL_VERSION, token: value.token, method: value.method as Method, params: clean };
}

/** Schema check of a reply frame (the CLI side). */
export function parseReply(value: unknown): Reply {
  if (!isRecord(value) || typeof value.ok !== 'boolean') throw new ProtocolError('reply is not a protocol reply');
  if (value.ok) return { ok: true, result: value.result };
  if (typeof value.message !== 'string' || typeof value.code !== 'string' || !(ERROR_CODES as readonly string[]).includes(value.code)) {
    throw new ProtocolError('error reply is malformed');
  }
  return { ok: false, code: value.code as ErrorCode, message: value.message };
}
