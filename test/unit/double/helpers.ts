/** Helpers for the double's unit tests: a SigV4 client over fetch and tiny XML readers. */
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../double';

export interface Creds {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface CallOptions {
  /** Signing time; default now. */
  readonly signingDate?: Date;
  /** Body actually sent, replacing the signed one (to test tampering). */
  readonly sentBody?: string;
  readonly service?: string;
  readonly extraHeaders?: Record<string, string>;
  /** Header values sent instead of the signed ones (to test tampering). */
  readonly sentHeaders?: Record<string, string>;
  /** Send the session token header but with this value instead. */
  readonly sessionTokenOverride?: string;
}

export interface RawResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: Headers;
}

export function form(params: Record<string, string | number | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) {
      p.append(k, String(v));
    }
  }
  return p.toString();
}

/** POSTs a Query-protocol request signed with SigV4 (like botocore: host, content-type, x-amz-date). */
export async function stsCall(
  endpoint: string,
  creds: Creds | null,
  params: Record<string, string | number | undefined>,
  opts: CallOptions = {},
): Promise<RawResponse> {
  const url = new URL(endpoint);
  const body = form({ Version: '2011-06-15', ...params });
  let headers: Record<string, string> = {
    host: url.host,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    ...opts.extraHeaders,
  };
  if (creds) {
    const signer = new SignatureV4({
      service: opts.service ?? 'sts',
      region: 'us-east-1',
      credentials: creds,
      sha256: NodeSha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {}, headers, body },
      { signingDate: opts.signingDate ?? new Date() },
    );
    headers = {};
    for (const [k, v] of Object.entries(signed.headers)) {
      headers[k] = String(v);
    }
    if (opts.sessionTokenOverride !== undefined) {
      headers['x-amz-security-token'] = opts.sessionTokenOverride;
    }
  }
  headers = { ...headers, ...opts.sentHeaders };
  delete headers['host'];
  const res = await fetch(`${endpoint}/`, { method: 'POST', headers, body: opts.sentBody ?? body });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Text of the first `<tag>` element. */
export function xmlText(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
}

export function errorCode(xml: string): string | undefined {
  return xmlText(xml, 'Code');
}

/** Credentials from a GetSessionToken/AssumeRole/... XML result. */
export function credsFrom(xml: string): Creds & { expiration: string } {
  const get = (t: string): string => {
    const v = xmlText(xml, t);
    if (v === undefined) {
      throw new Error(`no <${t}> in ${xml}`);
    }
    return v;
  };
  return { accessKeyId: get('AccessKeyId'), secretAccessKey: get('SecretAccessKey'), sessionToken: get('SessionToken'), expiration: get('Expiration') };
}

/** A settable clock for `startLocalAws({ clock })`. */
export class FakeClock {
  constructor(public ms: number = Date.now()) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
  date(): Date {
    return new Date(this.ms);
  }
}
