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
import { asError } from '../errors';
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

/** One change of a profile's keys in one file. */
export interface KeyChange {
  file: AwsFileKind;
  profile: string;
  /** Keys to write (undefined values are left out). */
  values: Readonly<Record<string, string | undefined>>;
  /** The record of the last apply of this file and profile (rotation). */
  previousOwned?: OwnedKeys;
}

/**
 * {@link AwsFiles.applyAll}'s journal: called under the lock before a file is written, with the records of every
 * unit about to be written (by unit index; not called when nothing changes). It returns the units to leave out,
 * each with the reason (it hears the rest again), or throws to write nothing.
 */
export type BeforeWriteAll = (owned: ReadonlyMap<number, OwnedKeys[]>) => Promise<ReadonlyMap<number, Error> | void>;

/** The files as a set of units will leave them. */
interface Plan {
  texts: Map<AwsFileKind, string>;
  owned: Map<number, OwnedKeys[]>;
  /** Files whose text differs from what was read (or that do not exist yet). */
  changed: Set<AwsFileKind>;
}

/** The order the files are written in. */
const FILE_ORDER: readonly AwsFileKind[] = ['credentials', 'config'];
const CONCURRENT_CHANGE_ATTEMPTS = 8;

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
async function retryOnConcurrentChange<T>(edit: () => Promise<T>, attempts = CONCURRENT_CHANGE_ATTEMPTS): Promise<T> {
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
    return this.applyOne({ file: 'credentials', profile, values: { ...values }, previousOwned }, beforeWrite);
  }

  /** Write region, credential_process … into `[default]` / `[profile name]` of the config file. */
  applyConfig(profile: string, values: ConfigValues, previousOwned?: OwnedKeys, beforeWrite?: BeforeWrite): Promise<OwnedKeys> {
    return this.applyOne({ file: 'config', profile, values: { ...values }, previousOwned }, beforeWrite);
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

  private async applyOne(change: KeyChange, beforeWrite?: BeforeWrite): Promise<OwnedKeys> {
    const [result] = await this.applyAll([[change]], beforeWrite && (async (owned) => beforeWrite(owned.get(0)![0])));
    if (result instanceof Error) throw result;
    return result[0];
  }

  /**
   * Units of changes (e.g. the deliveries of several sessions) in one locked read-modify-write: each file is read
   * once and the units' changes are applied in order, as one after another would be; a unit that cannot be made
   * (a foreign key, a bad profile name) fails alone and none of its changes is made. `beforeWrite` hears the records
   * of every unit before anything is written (again, for the rest, if it leaves some out or a file must be read
   * again), then each file that changed is written once, the credentials file first. If a later file cannot be
   * written, what was written to the earlier one is put back and the error thrown. Returns per unit its records
   * (in the order of its changes) or why it failed.
   */
  applyAll(units: readonly (readonly KeyChange[])[], beforeWrite?: BeforeWriteAll): Promise<Array<OwnedKeys[] | Error>> {
    const kinds = FILE_ORDER.filter((f) => units.some((u) => u.some((c) => c.file === f)));
    return this.lock(async () => {
      const failed = new Map<number, Error>();
      const bytes = new Map<AwsFileKind, Buffer | undefined>();
      for (const f of kinds) bytes.set(f, await readIfExists(this.pathOf(f)));
      /** The records each written file holds, by unit. */
      const written = new Map<AwsFileKind, Map<number, OwnedKeys[]>>();
      let plan = this.plan(units, kinds, bytes, failed);
      let told: string | undefined;
      try {
        for (let attempt = 1; ; ) {
          const next = kinds.find((f) => !written.has(f) && plan.changed.has(f));
          if (!next) break;
          const heard = JSON.stringify([...plan.owned]);
          if (beforeWrite && heard !== told) {
            const refused = await beforeWrite(plan.owned);
            told = heard;
            if (refused?.size) {
              for (const [i, error] of refused) failed.set(i, error);
              plan = this.plan(units, kinds, bytes, failed);
              continue;
            }
          }
          try {
            await this.write(next, plan.texts.get(next)!, bytes.get(next));
            written.set(next, plan.owned);
          } catch (error) {
            if (!(error instanceof ConcurrentChangeError) || attempt++ >= CONCURRENT_CHANGE_ATTEMPTS) throw error;
            // A program outside our lock wrote this file meanwhile: read it again and redo the plan (a file
            // already written gives the same text again, from the bytes it was planned on).
            await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
            bytes.set(next, await readIfExists(this.pathOf(next)));
            plan = this.plan(units, kinds, bytes, failed);
          }
        }
      } catch (error) {
        // Left to recovery if this fails too: the journal names those records.
        await this.putBack(written, () => true).catch(() => undefined);
        throw error;
      }
      // Units left out after a file holding their changes was written (refused on a second hearing): put back.
      await this.putBack(written, (i) => failed.has(i));
      return units.map((_, i) => failed.get(i) ?? plan.owned.get(i)!);
    });
  }

  /** The texts of the files with every unit not failed applied in order; units that cannot be made join `failed`. */
  private plan(units: readonly (readonly KeyChange[])[], kinds: readonly AwsFileKind[], bytes: ReadonlyMap<AwsFileKind, Buffer | undefined>, failed: Map<number, Error>): Plan {
    const texts = new Map<AwsFileKind, string>();
    for (const f of kinds) {
      const b = bytes.get(f);
      texts.set(f, b ? this.decode(b, this.pathOf(f)) : '');
    }
    /** Files that do not exist yet and no unit has written to. */
    let fresh = new Set(kinds.filter((f) => !bytes.get(f)));
    const touched = new Set<AwsFileKind>();
    const owned = new Map<number, OwnedKeys[]>();
    units.forEach((unit, i) => {
      if (failed.has(i)) return;
      const draft = new Map(texts);
      const draftFresh = new Set(fresh);
      const records: OwnedKeys[] = [];
      try {
        for (const c of unit) {
          const p = this.pathOf(c.file);
          const values: Record<string, string> = {};
          for (const [k, v] of Object.entries(c.values)) if (v !== undefined) values[k] = v;
          const applied = this.wrap(p, () => applyOwned(draft.get(c.file)!, c.file, c.profile, values, c.previousOwned, p));
          if (draftFresh.delete(c.file)) applied.owned.createdFile = true;
          draft.set(c.file, applied.text);
          records.push(applied.owned);
        }
      } catch (error) {
        failed.set(i, asError(error));
        return;
      }
      for (const [f, text] of draft) texts.set(f, text);
      for (const c of unit) touched.add(c.file);
      fresh = draftFresh;
      owned.set(i, records);
    });
    const changed = new Set(
      kinds.filter((f) => {
        const b = bytes.get(f);
        return touched.has(f) && (!b || texts.get(f) !== this.decode(b, this.pathOf(f)));
      }),
    );
    return { texts, owned, changed };
  }

  /** Replace a file read as `expected` (undefined: missing) with `text`; a change by another program meanwhile throws ConcurrentChangeError. */
  private write(file: AwsFileKind, text: string, expected: Buffer | undefined): Promise<void> {
    return writeFileAtomic(this.pathOf(file), text, { expected: { bytes: expected } });
  }

  /** Under the lock: revert the records of the chosen units from each file written. */
  private async putBack(written: ReadonlyMap<AwsFileKind, ReadonlyMap<number, OwnedKeys[]>>, chosen: (unit: number) => boolean): Promise<void> {
    for (const [file, byUnit] of written) {
      const records = [...byUnit].filter(([i]) => chosen(i)).flatMap(([, r]) => r.filter((o) => o.file === file));
      if (records.length) await this.revertAll(records.reverse());
    }
  }

  /** Undo an apply: keys still holding what we wrote, our header if now empty, our file if now empty. */
  revert(owned: OwnedKeys): Promise<RevertSummary> {
    return this.lock(async () => (await this.revertAll([owned]))[0]);
  }

  /** Undo applies of one file, in the order given (newest first), in one read-modify-write; under the lock. */
  private revertAll(records: readonly OwnedKeys[]): Promise<RevertSummary[]> {
    const p = this.pathOf(records[0].file);
    return retryOnConcurrentChange(async () => {
      const bytes = await readIfExists(p);
      if (!bytes) return records.map(() => ({ keptKeys: [], sectionRemoved: true }));
      let text = this.decode(bytes, p);
      const original = text;
      let removeIt = false;
      const summaries = records.map((owned) => {
        const result = this.wrap(p, () => revertOwned(text, owned));
        text = result.text;
        if (owned.createdFile && text.length === 0) removeIt = true;
        return { keptKeys: result.keptKeys, sectionRemoved: result.sectionRemoved };
      });
      if (removeIt && text.length === 0) await removeFile(p);
      else if (text !== original) await this.write(records[0].file, text, bytes);
      return summaries;
    });
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
