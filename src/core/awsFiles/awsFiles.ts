/**
 * The AWS shared credentials and config files, edited key by key under an inter-process lock.
 *
 * Paths follow the AWS CLI: `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE` (with `$VAR` and
 * `~` expansion) else `<home>/.aws/credentials` and `<home>/.aws/config`. Every change is
 * read → edit → atomic replace (temp file in the same folder, fsync, rename), following symlinks.
 * A file we cannot parse as the CLI does is never written: the IniParseError names file and line.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LockRunner } from '../fileLock';
import { describingFileErrors } from '../fileErrors';
import { ConcurrentChangeError, readIfExists, removeFile, writeFileAtomic } from './atomicFile';
import { decodeUtf8, IniDocument, IniParseError } from './iniEdit';
import { indexProfiles } from './profileIndex';
import {
  applyOwned,
  AwsFileKind,
  findProfileSection,
  isWritten,
  listProfileNames,
  OwnedKeys,
  revertOwned,
  RevertResult,
} from './ownership';

export interface CredentialValues {
  aws_access_key_id: string;
  aws_secret_access_key: string;
  aws_session_token?: string;
}

export interface ConfigValues {
  region?: string;
  credential_process?: string;
  output?: string;
  [key: string]: string | undefined;
}

export interface ProfileInfo {
  name: string;
  inCredentials: boolean;
  inConfig: boolean;
  /** Config file values of the section the CLI reads (nested values raw). */
  config: Record<string, string>;
  /** Names only: credential values are secrets and never leave this module. */
  credentialKeys: string[];
}

/** What a revert did; never the file's text (it may hold other profiles' secrets). */
export type RevertSummary = Omit<RevertResult, 'text'>;

/**
 * Called under the lock with the ownership record of a change just before the file is written (not
 * called when nothing changes): the caller records its intent durably, or throws to cancel the write.
 */
export type BeforeWrite = (owned: OwnedKeys) => Promise<void>;

export interface AwsFilesOptions {
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
  /** Serializes read-modify-write across processes, e.g. `fileLock('<globalStorage>/aws-files.lock')`. */
  lock: LockRunner;
  /** Base for relative paths in the env vars (default: process.cwd()). */
  cwd?: string;
}

/** `$VAR`, `${VAR}` then `~` expansion, as botocore does (os.path.expandvars + expanduser). */
export function expandPath(p: string, env: Readonly<Record<string, string | undefined>>, homeDir: string, cwd: string): string {
  const vars = p.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const v = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return v === undefined ? m : v;
  });
  const home = vars === '~' || vars.startsWith('~/') || vars.startsWith(`~${path.sep}`) ? homeDir + vars.slice(1) : vars;
  return path.resolve(cwd, home);
}

/** Redo a read-edit-write when a program outside our lock wrote the file in between (a few times). */
async function retryOnConcurrentChange<T>(edit: () => Promise<T>, attempts = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await edit();
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError) || i >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * i));
    }
  }
}

export class AwsFiles {
  readonly credentialsPath: string;
  readonly configPath: string;
  private readonly lock: LockRunner;

  constructor(opts: AwsFilesOptions) {
    const cwd = opts.cwd ?? process.cwd();
    const pick = (name: string, fallback: string) => {
      const v = opts.env[name];
      return v ? expandPath(v, opts.env, opts.homeDir, cwd) : path.join(opts.homeDir, '.aws', fallback);
    };
    this.credentialsPath = pick('AWS_SHARED_CREDENTIALS_FILE', 'credentials');
    this.configPath = pick('AWS_CONFIG_FILE', 'config');
    this.lock = opts.lock;
  }

  pathOf(file: AwsFileKind): string {
    return file === 'credentials' ? this.credentialsPath : this.configPath;
  }

  /** Write short-lived credentials into `[profile]` of the credentials file. */
  applyCredentials(profile: string, values: CredentialValues, previousOwned?: OwnedKeys, beforeWrite?: BeforeWrite): Promise<OwnedKeys> {
    return this.apply('credentials', profile, { ...values }, previousOwned, beforeWrite);
  }

  /** Write region, credential_process … into `[default]` / `[profile name]` of the config file. */
  applyConfig(profile: string, values: ConfigValues, previousOwned?: OwnedKeys, beforeWrite?: BeforeWrite): Promise<OwnedKeys> {
    return this.apply('config', profile, { ...values }, previousOwned, beforeWrite);
  }

  /** Whether the file holds every key of a record as written (after a crash: did that write land?). */
  async holds(owned: OwnedKeys): Promise<boolean> {
    const doc = await this.read(owned.file);
    const section = doc && findProfileSection(doc, owned.file, owned.profile);
    if (!doc || !section) return false;
    return Object.entries(owned.keys).every(([k, rec]) => {
      const key = doc.key(section, k);
      return key !== undefined && isWritten(rec, owned.file, k, doc.value(key));
    });
  }

  private apply(file: AwsFileKind, profile: string, raw: Record<string, string | undefined>, previousOwned?: OwnedKeys, beforeWrite?: BeforeWrite): Promise<OwnedKeys> {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) values[k] = v;
    const p = this.pathOf(file);
    return this.lock(() =>
      retryOnConcurrentChange(async () => {
        const bytes = await readIfExists(p);
        const text = bytes ? this.decode(bytes, p) : '';
        const { text: next, owned } = this.wrap(p, () => applyOwned(text, file, profile, values, previousOwned, p));
        if (!bytes) owned.createdFile = true;
        if (!bytes || next !== text) {
          await beforeWrite?.(owned);
          await writeFileAtomic(p, next, { expected: { bytes } });
        }
        return owned;
      }),
    );
  }

  /** Undo an apply: keys still holding what we wrote, our header if now empty, our file if now empty. */
  revert(owned: OwnedKeys): Promise<RevertSummary> {
    const p = this.pathOf(owned.file);
    return this.lock(() =>
      retryOnConcurrentChange(async () => {
        const bytes = await readIfExists(p);
        if (!bytes) return { keptKeys: [], sectionRemoved: true };
        const text = this.decode(bytes, p);
        const result = this.wrap(p, () => revertOwned(text, owned));
        if (owned.createdFile && result.text.length === 0) {
          await removeFile(p);
        } else if (result.text !== text) {
          await writeFileAtomic(p, result.text, { expected: { bytes } });
        }
        return { keptKeys: result.keptKeys, sectionRemoved: result.sectionRemoved };
      }),
    );
  }

  /**
   * Replace a whole file's text, only if it still is exactly `expected` (what a preview showed), after
   * copying those bytes to `backupPath` (0600). Returns false, writing nothing, when the file changed.
   */
  replaceIfUnchanged(file: AwsFileKind, expected: string, next: string, backupPath: string): Promise<boolean> {
    const p = this.pathOf(file);
    return this.lock(async () => {
      const bytes = await readIfExists(p);
      if (!bytes || this.decode(bytes, p) !== expected) return false;
      await describingFileErrors(backupPath, 'write', () => fs.writeFile(backupPath, bytes, { mode: 0o600, flag: 'wx' }));
      await writeFileAtomic(p, next);
      return true;
    });
  }

  /** Profile names from both files (credentials first, then config), without duplicates. */
  async listProfiles(): Promise<string[]> {
    const names = new Set<string>();
    for (const file of ['credentials', 'config'] as const) {
      const doc = await this.read(file);
      if (doc) for (const n of listProfileNames(doc, file)) names.add(n);
    }
    return [...names];
  }

  /** The `[sso-session name]` sections of the config file: name → values. */
  async ssoSessions(): Promise<Map<string, Record<string, string>>> {
    const config = await this.read('config');
    const out = new Map<string, Record<string, string>>();
    for (const [name, s] of config ? indexProfiles(undefined, config).ssoSessions : []) out.set(name, s.values);
    return out;
  }

  async readProfile(name: string): Promise<ProfileInfo | undefined> {
    const [cred, conf] = [await this.read('credentials'), await this.read('config')];
    const cs = cred && findProfileSection(cred, 'credentials', name);
    const fs_ = conf && findProfileSection(conf, 'config', name);
    if (!cs && !fs_) return undefined;
    return {
      name,
      inCredentials: !!cs,
      inConfig: !!fs_,
      config: fs_ && conf ? conf.values(fs_) : {},
      credentialKeys: cs ? [...cs.keys.keys()] : [],
    };
  }

  private async read(file: AwsFileKind): Promise<IniDocument | undefined> {
    const p = this.pathOf(file);
    const bytes = await readIfExists(p);
    if (!bytes) return undefined;
    const text = this.decode(bytes, p);
    return this.wrap(p, () => IniDocument.parse(text));
  }

  private decode(bytes: Buffer, p: string): string {
    return this.wrap(p, () => decodeUtf8(bytes));
  }

  private wrap<T>(p: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof IniParseError && !err.file) throw err.withFile(p);
      throw err;
    }
  }
}
