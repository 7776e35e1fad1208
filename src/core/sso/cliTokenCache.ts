/**
 * The AWS CLI's IAM Identity Center token cache (`~/.aws/sso/cache/<sha1>.json`, the files `aws sso login`
 * writes): read, so a user who logged in with the AWS CLI is not asked to log in again; and, when the user
 * opts in, written, so AWS CLI profiles (`sso_start_url`, or `sso_session`) and other tools reuse our login.
 *
 * - The file name is the SHA-1 of the start URL (profiles with `sso_start_url`) or of the `sso-session`
 *   name; the body holds `startUrl`, `region`, `accessToken` and `expiresAt` (botocore's SSOTokenLoader).
 * - Only files and a folder this user owns and others cannot write are read: a token another local user
 *   planted would make every call act as the identity of their choosing.
 * - We write the access token and its expiry, never our refresh token or client secret, so the plain-text
 *   file is worth no more than the hour of access it names; our files are 0600 in a 0700 folder, and a
 *   logout removes those still holding our token.
 */
import { createHash } from 'node:crypto';
import { promises as fs, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { readIfExists, removeFile, writeFileAtomic } from '../awsFiles/atomicFile';
import { trustProblem } from '../ipc/paths';

export interface CliCachedToken {
  accessToken: string;
  /** ISO 8601. */
  expiresAt: string;
  /** The file it came from. */
  file: string;
}

export interface CliTokenCacheOptions {
  /** `~/.aws/sso/cache`. */
  dir: string;
  /** Look for a token the AWS CLI wrote (the setting; on by default). */
  readEnabled: () => boolean;
  /** Write our token for the AWS CLI (the opt-in setting). */
  writeEnabled: () => boolean;
  /** Names of the `[sso-session …]` sections of the user's config with this start URL and region. */
  ssoSessionNames: (startUrl: string, region: string) => Promise<string[]>;
  /** Told about a cache file that is not trusted, once per file. */
  warn?: (message: string) => void;
}

/** A start URL as the AWS CLI compares it: without trailing slashes or a fragment. */
export function normalStartUrl(url: string): string {
  return url.trim().replace(/#.*$/, '').replace(/\/+$/, '');
}

/** The cache file name the AWS CLI uses for a start URL, or for an `sso-session` name. */
export function cacheFileName(key: string): string {
  return `${createHash('sha1').update(key, 'utf8').digest('hex')}.json`;
}

function parseToken(raw: string): { startUrl?: unknown; region?: unknown; accessToken?: unknown; expiresAt?: unknown } | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

type ParsedToken = ReturnType<typeof parseToken>;

/**
 * A file's or folder's identity: device, inode, size, change and modification times in ns. A folder's changes
 * when an entry is added, removed or renamed into it; a file's when it is rewritten, also in place.
 */
function identity(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/**
 * Changed this recently, a second change may keep the same times on a file system with coarse timestamps:
 * such a reading is not kept (read again next time), as git does with "racily clean" entries.
 */
const SETTLED_NS = 2_000_000_000n;
const settled = (st: BigIntStats): boolean => BigInt(Date.now()) * 1_000_000n - st.mtimeNs > SETTLED_NS;

export class CliTokenCache {
  private readonly warned = new Set<string>();
  /** The folder's `.json` names while its identity stays (a render of a logged-out integration asks each time). */
  private listing?: { identity: string; names: string[] };
  /** Each file's parsed body while its identity stays. */
  private readonly bodies = new Map<string, { identity: string; token: ParsedToken }>();

  constructor(private readonly opts: CliTokenCacheOptions) {}

  /** The `.json` names in the cache folder: listed again only when the folder changed. */
  private async names(): Promise<string[]> {
    const st = await fs.stat(this.opts.dir, { bigint: true }).catch(() => undefined);
    if (!st) {
      this.listing = undefined;
      this.bodies.clear();
      return [];
    }
    const id = identity(st);
    if (this.listing?.identity === id) return this.listing.names;
    const names = (await fs.readdir(this.opts.dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    this.listing = settled(st) ? { identity: id, names } : undefined;
    for (const file of this.bodies.keys()) if (!names.includes(path.basename(file))) this.bodies.delete(file);
    return names;
  }

  /** A cache file's body: read again only when the file changed. */
  private async body(file: string): Promise<ParsedToken> {
    const st = await fs.stat(file, { bigint: true }).catch(() => undefined);
    if (!st) {
      this.bodies.delete(file);
      return undefined;
    }
    const id = identity(st);
    const known = this.bodies.get(file);
    if (known?.identity === id) return known.token;
    const raw = await readIfExists(file).catch(() => undefined);
    const token = raw && parseToken(raw.toString('utf8'));
    if (settled(st)) this.bodies.set(file, { identity: id, token });
    else this.bodies.delete(file);
    return token;
  }

  /**
   * The AWS CLI's token for this start URL and region valid for at least `minValidityMs` more, if any (the
   * longest-lived of them). Files that are not the user's own, or not JSON, are skipped.
   */
  async find(startUrl: string, region: string, now: number, minValidityMs: number): Promise<CliCachedToken | undefined> {
    if (!this.opts.readEnabled()) return undefined;
    if (!this.trusted(this.opts.dir, 'folder')) return undefined;
    const wanted = normalStartUrl(startUrl);
    let best: CliCachedToken | undefined;
    for (const name of await this.names()) {
      const file = path.join(this.opts.dir, name);
      const token = await this.body(file);
      if (!token || typeof token.startUrl !== 'string' || normalStartUrl(token.startUrl) !== wanted || token.region !== region) continue;
      if (typeof token.accessToken !== 'string' || typeof token.expiresAt !== 'string') continue;
      const expires = Date.parse(token.expiresAt);
      if (!(expires - now >= minValidityMs) || (best && Date.parse(best.expiresAt) >= expires)) continue;
      if (!this.trusted(file, 'file')) continue;
      best = { accessToken: token.accessToken, expiresAt: new Date(expires).toISOString(), file };
    }
    return best;
  }

  /** With the opt-in on: our token into the files the AWS CLI reads for this start URL and its sso-sessions. */
  async publish(startUrl: string, region: string, token: { accessToken: string; expiresAt: string }): Promise<string[]> {
    if (!this.opts.writeEnabled()) return [];
    const body = JSON.stringify({ startUrl, region, accessToken: token.accessToken, expiresAt: token.expiresAt.replace(/\.\d{3}Z$/, 'Z') }, null, 2);
    const files = await this.filesFor(startUrl, region);
    for (const file of files) await writeFileAtomic(file, body, { newMode: 0o600, dirMode: 0o700 });
    return files;
  }

  /** After a logout: removes the files that still hold `accessToken` (a token the AWS CLI wrote since is left alone). */
  async withdraw(startUrl: string, region: string, accessToken: string): Promise<void> {
    for (const file of await this.filesFor(startUrl, region)) {
      const raw = await readIfExists(file).catch(() => undefined);
      if (raw && parseToken(raw.toString('utf8'))?.accessToken === accessToken) await removeFile(file);
    }
  }

  private async filesFor(startUrl: string, region: string): Promise<string[]> {
    const keys = [startUrl, ...(await this.opts.ssoSessionNames(startUrl, region))];
    return [...new Set(keys.map((k) => path.join(this.opts.dir, cacheFileName(k))))];
  }

  private trusted(p: string, kind: 'folder' | 'file'): boolean {
    const check = trustProblem(p, kind);
    if (check.ok) return true;
    if (!check.missing && !this.warned.has(p)) {
      this.warned.add(p);
      // l10n-ignore: written to the log only (extension.ts passes logger.warn), and the log stays English
      this.opts.warn?.(`The AWS CLI's SSO token cache is not used: ${check.reason}.`);
    }
    return false;
  }
}
