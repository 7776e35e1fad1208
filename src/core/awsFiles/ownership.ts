/**
 * Precise ownership of the keys a session writes into the AWS shared files.
 *
 * Applying values records, per key, what the line held before (`previous`) and what we wrote
 * (`written`). Reverting restores a key only while it still holds what we wrote, so a user's edit
 * made in the meantime is never undone. In the credentials file `previous` never holds a secret:
 * credential keys we did not write stop the apply with {@link ForeignCredentialsError}.
 *
 * Profile lookup follows botocore: credentials file `[name]`; config file `[default]` or
 * `[profile name]` where the header is split like `shlex.split` (so `[profile  name]` and
 * `[profile "name"]` match, `[ profile name ]` does not). When several config headers name the same
 * profile the CLI uses the last one, so that is the one we edit.
 */
import { createHash } from 'node:crypto';
import { applyEdits, IniDocument, IniSection, TextEdit } from './iniEdit';
import { shlexSplit } from './shlex';
import { t } from '../l10n';

export type AwsFileKind = 'credentials' | 'config';

export interface OwnedKey {
  /** Raw value the key held before we first wrote it; absent when we added the key. */
  previous?: string;
  /**
   * What we wrote. For the credentials file's secret keys, only a SHA-256 digest (`sha256:<hex>`):
   * ownership records are persisted in the shared state file, which must hold no credentials.
   */
  written: string;
}

/** The `written` record of a value: a digest for secret keys of the credentials file. */
export function writtenRecord(file: AwsFileKind, key: string, value: string): string {
  return file === 'credentials' && SECRET_KEYS.includes(key) ? `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}` : value;
}

/** Whether a key's current value is still what we wrote. */
export function isWritten(rec: OwnedKey | undefined, file: AwsFileKind, key: string, current: string): boolean {
  return rec !== undefined && rec.written === writtenRecord(file, key, current);
}

export interface OwnedKeys {
  file: AwsFileKind;
  profile: string;
  /** Header text of the section written (`name`, `default` or `profile name`). */
  section: string;
  createdSection: boolean;
  /** Bytes inserted before a created header (the separating blank line), removed with it. */
  sectionPrefix?: string;
  /** True when the file did not exist before (set by AwsFiles; revert deletes it if left empty). */
  createdFile?: boolean;
  keys: Record<string, OwnedKey>;
}

/** Validates an ownership record read back from persisted state (`ActiveSession.owned`). */
export function isOwnedKeys(x: unknown): x is OwnedKeys {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  if ((o.file !== 'credentials' && o.file !== 'config') || typeof o.profile !== 'string' || typeof o.section !== 'string') return false;
  if (typeof o.createdSection !== 'boolean' || !o.keys || typeof o.keys !== 'object') return false;
  if (o.sectionPrefix !== undefined && typeof o.sectionPrefix !== 'string') return false;
  return Object.values(o.keys as Record<string, unknown>).every((k) => {
    const r = k as Record<string, unknown> | null;
    return !!r && typeof r.written === 'string' && (r.previous === undefined || typeof r.previous === 'string');
  });
}

/** Keys of the credentials file whose values are secrets. */
export const SECRET_KEYS: readonly string[] = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'aws_security_token'];

export class ForeignCredentialsError extends Error {
  constructor(
    readonly file: string,
    readonly profile: string,
    readonly keys: readonly string[],
  ) {
    super(
      t('The profile "{0}" in {1} already holds credentials that AWS Sessions did not write ({2}). ', profile, file, keys.join(', ')) +
        t('They were left untouched. Choose another named profile for the session, or move those keys away yourself.'),
    );
    this.name = 'ForeignCredentialsError';
  }
}

export class InvalidProfileNameError extends Error {
  constructor(readonly profile: string, reason: string) {
    super(t('Invalid profile name "{0}": {1}', profile, reason));
    this.name = 'InvalidProfileNameError';
  }
}

export function assertValidProfileName(profile: string): void {
  if (profile.length === 0) throw new InvalidProfileNameError(profile, t('it is empty'));
  if (!/^[\p{L}\p{N}_.@+=,:\/-]+$/u.test(profile)) {
    throw new InvalidProfileNameError(profile, t('use letters, digits and _ . @ + = , : / - only'));
  }
  if (profile === 'DEFAULT') throw new InvalidProfileNameError(profile, t('the AWS CLI reserves [DEFAULT]'));
}

function assertValidEntry(key: string, value: string): void {
  if (!/^[a-z0-9_.-]+$/.test(key)) throw new Error(t('Invalid AWS file key "{0}"', key));
  if (/[\r\n]/.test(value) || value !== value.trim()) {
    throw new Error(t('Invalid value for "{0}": line breaks and surrounding spaces are not allowed', key));
  }
}

export function sectionHeaderFor(file: AwsFileKind, profile: string): string {
  return file === 'config' && profile !== 'default' ? `profile ${profile}` : profile;
}

/** The profile a header names for the CLI, or undefined (e.g. `sso-session x`, `services y`). */
export function profileOfHeader(file: AwsFileKind, header: string): string | undefined {
  if (file === 'credentials') return header;
  if (header === 'default') return 'default';
  if (!header.startsWith('profile')) return undefined;
  // `profile name`, one space and a name without quotes, backslashes or spaces (the common case): what shlex gives, unsplit.
  if (header.charCodeAt(7) === 32 && plainWordFrom(header, 8)) return header.slice(8);
  const parts = shlexSplit(header);
  return parts && parts.length === 2 ? parts[1] : undefined;
}

/** True when `s` from `at` on is one word shlex leaves as it is (no whitespace, quote or backslash). */
function plainWordFrom(s: string, at: number): boolean {
  if (at >= s.length) return false;
  for (let i = at; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10 || c === 34 || c === 39 || c === 92) return false;
  }
  return true;
}

/** The section the CLI reads for a profile (the last one when several headers name it). */
export function findProfileSection(doc: IniDocument, file: AwsFileKind, profile: string): IniSection | undefined {
  let found: IniSection | undefined;
  for (const s of doc.sections) if (profileOfHeader(file, s.header) === profile) found = s;
  return found;
}

export function listProfileNames(doc: IniDocument, file: AwsFileKind): string[] {
  const out: string[] = [];
  for (const s of doc.sections) {
    const p = profileOfHeader(file, s.header);
    if (p !== undefined && p !== 'DEFAULT' && !out.includes(p)) out.push(p);
  }
  return out;
}

export interface ApplyResult {
  text: string;
  owned: OwnedKeys;
}

/**
 * Write `values` into the profile's section (creating it at the end when missing).
 * `previousOwned` is the record of the last apply on the same file and profile: keys still holding
 * what we wrote then are ours (their original `previous` is carried over); keys we wrote then and
 * no longer write are reverted first.
 */
export function applyOwned(
  text: string,
  file: AwsFileKind,
  profile: string,
  values: Readonly<Record<string, string>>,
  previousOwned?: OwnedKeys,
  fileLabel: string = file,
): ApplyResult {
  assertValidProfileName(profile);
  const entries = Object.entries(values).map(([k, v]) => [k.toLowerCase(), v] as const);
  for (const [k, v] of entries) assertValidEntry(k, v);
  if (previousOwned && (previousOwned.file !== file || previousOwned.profile !== profile)) {
    throw new Error(t('Ownership record is for {0} profile "{1}", not {2} "{3}"', previousOwned.file, previousOwned.profile, file, profile));
  }
  const wanted = new Set(entries.map(([k]) => k));
  let doc = IniDocument.parse(text);

  // Keys we wrote last time and no longer write: give them back first.
  if (previousOwned) {
    const dropped: Record<string, OwnedKey> = {};
    for (const [k, rec] of Object.entries(previousOwned.keys)) if (!wanted.has(k)) dropped[k] = rec;
    if (Object.keys(dropped).length) {
      const edits = revertKeyEdits(doc, file, findProfileSection(doc, file, profile), dropped);
      if (edits.length) doc = IniDocument.parse(applyEdits(doc.text, edits));
    }
  }

  const section = findProfileSection(doc, file, profile);
  const ours = (k: string, current: string): boolean => isWritten(previousOwned?.keys[k], file, k, current);

  if (file === 'credentials' && section) {
    const foreign = SECRET_KEYS.filter((k) => {
      const key = doc.key(section, k);
      return key !== undefined && !ours(k, doc.value(key));
    });
    if (foreign.length) throw new ForeignCredentialsError(fileLabel, profile, foreign);
  }

  const owned: OwnedKeys = {
    file,
    profile,
    section: section ? section.header : sectionHeaderFor(file, profile),
    createdSection: section ? previousOwned?.createdSection === true && previousOwned.section === section.header : true,
    keys: {},
  };
  const edits: TextEdit[] = [];
  const toInsert: Array<readonly [string, string]> = [];
  for (const [k, v] of entries) {
    const key = section ? doc.key(section, k) : undefined;
    if (key) {
      const current = doc.value(key);
      const previous = ours(k, current) ? previousOwned?.keys[k]?.previous : current;
      const written = writtenRecord(file, k, v);
      owned.keys[k] = previous === undefined ? { written } : { previous, written };
      if (current !== v) edits.push(doc.setValue(key, v));
    } else {
      owned.keys[k] = { written: writtenRecord(file, k, v) };
      toInsert.push([k, v]);
    }
  }
  if (section) {
    if (owned.createdSection && previousOwned?.sectionPrefix !== undefined) owned.sectionPrefix = previousOwned.sectionPrefix;
    if (toInsert.length) edits.push(doc.insertKeys(section, toInsert));
  } else if (toInsert.length === 0) {
    owned.createdSection = false;
  } else {
    const { edit, prefix } = doc.appendSection(owned.section, toInsert);
    edits.push(edit);
    owned.sectionPrefix = prefix;
  }
  if (previousOwned?.createdFile) owned.createdFile = true;
  return { text: applyEdits(doc.text, edits), owned };
}

function revertKeyEdits(doc: IniDocument, file: AwsFileKind, section: IniSection | undefined, keys: Readonly<Record<string, OwnedKey>>): TextEdit[] {
  if (!section) return [];
  const edits: TextEdit[] = [];
  const remove: number[] = [];
  for (const [k, rec] of Object.entries(keys)) {
    const key = doc.key(section, k);
    if (!key || !isWritten(rec, file, k, doc.value(key))) continue; // gone or changed by the user: theirs now
    if (rec.previous !== undefined) edits.push(doc.setValue(key, rec.previous));
    else remove.push(...doc.keyLines(key));
  }
  return [...edits, ...doc.deleteLines(remove)];
}

export interface RevertResult {
  text: string;
  /** Keys left in place because the user changed them after we wrote them. */
  keptKeys: string[];
  /** True when the created section header was removed (or no longer existed). */
  sectionRemoved: boolean;
}

/** Undo an apply: only keys still holding what we wrote; our header only if now empty. */
export function revertOwned(text: string, owned: OwnedKeys): RevertResult {
  let doc = IniDocument.parse(text);
  let section = findProfileSection(doc, owned.file, owned.profile);
  const keptKeys: string[] = [];
  if (!section) return { text, keptKeys, sectionRemoved: true };
  for (const [k, rec] of Object.entries(owned.keys)) {
    const key = doc.key(section, k);
    if (key && !isWritten(rec, owned.file, k, doc.value(key))) keptKeys.push(k);
  }
  const edits = revertKeyEdits(doc, owned.file, section, owned.keys);
  if (edits.length) {
    doc = IniDocument.parse(applyEdits(doc.text, edits));
    section = findProfileSection(doc, owned.file, owned.profile);
  }
  let sectionRemoved = false;
  if (section && owned.createdSection && section.header === owned.section && doc.isEmpty(section)) {
    doc = IniDocument.parse(applyEdits(doc.text, [doc.deleteHeader(section, owned.sectionPrefix)]));
    sectionRemoved = true;
  }
  return { text: doc.text, keptKeys, sectionRemoved };
}
