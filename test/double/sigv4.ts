/**
 * SigV4 verification: re-signs the received request with `@smithy/signature-v4` using the key the
 * double issued, over exactly the headers listed in SignedHeaders, and compares in constant time.
 */
import { createHash, createHmac, timingSafeEqual, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import type { Caller, DoubleState } from './state';
import { AwsError, type DoubleRequest } from './types';

/** SHA-256 / HMAC-SHA-256 on node:crypto in the shape the smithy signer expects. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  update(data: Uint8Array): void {
    this.hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
}

function toBuffer(data: SourceData): Buffer | string {
  if (typeof data === 'string') {
    return data;
  }
  if (data instanceof ArrayBuffer) {
    return Buffer.from(new Uint8Array(data));
  }
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const INVALID_TOKEN_MESSAGE = 'The security token included in the request is invalid.';
export const EXPIRED_TOKEN_MESSAGE = 'The security token included in the request is expired';
/** How far x-amz-date may be from the double's clock. */
export const MAX_SKEW_MS = 15 * 60 * 1000;

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly shortDate: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export function parseAuthorization(header: string): ParsedAuthorization {
  const prefix = 'AWS4-HMAC-SHA256 ';
  if (!header.startsWith(prefix)) {
    throw new AwsError('IncompleteSignature', `Unsupported AWS 'algorithm': '${header.split(' ')[0]}'`, 400);
  }
  const parts = new Map<string, string>();
  for (const piece of header.slice(prefix.length).split(',')) {
    const eq = piece.indexOf('=');
    if (eq > 0) {
      parts.set(piece.slice(0, eq).trim(), piece.slice(eq + 1).trim());
    }
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((k) => !parts.get(k));
  if (missing.length > 0) {
    const msg = missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' ');
    throw new AwsError('IncompleteSignature', `${msg} Authorization=${header}`, 400);
  }
  const scope = (parts.get('Credential') ?? '').split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request' || !/^\d{8}$/.test(scope[1])) {
    throw new AwsError('IncompleteSignature', `Credential should be scoped to a valid region. Credential=${parts.get('Credential')}`, 400);
  }
  return {
    accessKeyId: scope[0],
    shortDate: scope[1],
    region: scope[2],
    service: scope[3],
    signedHeaders: (parts.get('SignedHeaders') ?? '').split(';').filter((h) => h.length > 0),
    signature: parts.get('Signature') ?? '',
  };
}

/** `20240102T030405Z` → epoch ms, or NaN. */
export function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : Number.NaN;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  // Compare equal-length buffers so the time spent does not depend on where they differ.
  return ab.length === bb.length ? timingSafeEqual(ab, bb) : timingSafeEqual(ab, ab) && false;
}

function findCaller(state: DoubleState, accessKeyId: string, token: string | undefined): Caller {
  const user = state.userByAccessKey(accessKeyId);
  if (user) {
    if (token !== undefined) {
      throw new AwsError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403);
    }
    return { type: 'user', user };
  }
  const creds = state.issuedByAccessKey(accessKeyId);
  if (!creds || token === undefined || !constantTimeEqual(token, creds.sessionToken)) {
    throw new AwsError('InvalidClientTokenId', INVALID_TOKEN_MESSAGE, 403);
  }
  return { type: 'session', creds };
}

function checkClock(amzDate: string, signedAt: number, now: number): void {
  const fmt = formatAmzDate;
  if (signedAt < now - MAX_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${fmt(now - MAX_SKEW_MS)} (${fmt(now)} - 15 min.)`,
      403,
    );
  }
  if (signedAt > now + MAX_SKEW_MS) {
    throw new AwsError(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${amzDate} is still later than ${fmt(now + MAX_SKEW_MS)} (${fmt(now)} + 15 min.)`,
      403,
    );
  }
}

/**
 * Verifies a SigV4-signed request for `service` and returns who signed it.
 * Throws AwsError with the code AWS would send.
 */
export async function verifySigV4(req: DoubleRequest, state: DoubleState, service: string): Promise<Caller> {
  const header = req.headers['authorization'];
  if (!header) {
    throw new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
  const auth = parseAuthorization(header);
  if (auth.service !== service) {
    throw new AwsError('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'. `, 403);
  }
  const amzDate = req.headers['x-amz-date'];
  const signedAt = amzDate ? parseAmzDate(amzDate) : Number.NaN;
  if (!amzDate || Number.isNaN(signedAt)) {
    throw new AwsError(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      400,
    );
  }
  const caller = findCaller(state, auth.accessKeyId, req.headers['x-amz-security-token']);

  const contentSha = req.headers['x-amz-content-sha256'];
  if (contentSha && contentSha !== 'UNSIGNED-PAYLOAD') {
    const actual = createHash('sha256').update(req.body).digest('hex');
    if (!constantTimeEqual(contentSha, actual)) {
      throw new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
    }
  }

  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = req.headers[name.toLowerCase()];
    if (value === undefined) {
      throw new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE, 403);
    }
    headers[name.toLowerCase()] = value;
  }
  const secretAccessKey = caller.type === 'user' ? caller.user.secretAccessKey : caller.creds.secretAccessKey;
  // The session token travels in the (signed) header copied above; the signer must not add its own.
  const signer = new SignatureV4({
    service,
    region: auth.region,
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey },
    sha256: NodeSha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method,
      protocol: 'http:',
      hostname: (req.headers['host'] ?? '').replace(/:\d+$/, ''),
      path: req.path,
      query: { ...req.query },
      headers,
      body: req.body.length > 0 ? req.body : undefined,
    },
    { signingDate: new Date(signedAt), signingRegion: auth.region, signingService: service, signableHeaders: new Set(Object.keys(headers)) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers['authorization']))?.[1] ?? '';
  if (!constantTimeEqual(expected, auth.signature)) {
    throw new AwsError('SignatureDoesNotMatch', SIGNATURE_MISMATCH_MESSAGE, 403);
  }
  checkClock(amzDate, signedAt, state.now());
  if (caller.type === 'session' && caller.creds.expiresAtMs <= state.now()) {
    throw new AwsError('ExpiredToken', EXPIRED_TOKEN_MESSAGE, 403);
  }
  return caller;
}
