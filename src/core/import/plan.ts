/**
 * "Import from ~/.aws": a plan built from the config and credentials files — static keys → IAM User
 * sessions, role_arn + source_profile → chained sessions, sso-session / sso_start_url → an IAM Identity
 * Center integration, credential_process and the rest left alone — plus the exact byte edits that
 * removing the imported static keys from the files would make. Pure; nothing is written here.
 */
import { applyEdits, IniDocument } from '../awsFiles/iniEdit';
import { indexProfiles, mergedValues, type IndexedProfile, type IndexedSection } from '../awsFiles/profileIndex';
import type { PersistedState } from '../model';
import { DEFAULT_REGION } from '../constants';
import { isKnownRegion } from '../regions';
import { rules } from '../validation';
import { SECRET_KEYS } from '../awsFiles/ownership';
import { t } from '../l10n';

export interface ImportUser {
  kind: 'iamUser';
  profile: string;
  alias: string;
  region: string;
  mfaSerial?: string;
  /** Masked (AKIA…WXYZ): the preview never shows a key. */
  keyLabel: string;
  /** Which file holds the keys. */
  keyFile: 'credentials' | 'config';
}

export interface ImportChained {
  kind: 'iamRoleChained';
  profile: string;
  alias: string;
  region: string;
  roleArn: string;
  roleSessionName?: string;
  /** Profile whose session assumes the role (imported in this plan, or an existing session's profile). */
  sourceProfile: string;
  /** mfa_serial of the role profile: moved to the IAM User session at the root of the chain. */
  mfaSerial?: string;
  /** external_id, duration_seconds, source_identity as the file has them (the session's save checks them). */
  externalId?: string;
  durationSeconds?: string;
  sourceIdentity?: string;
}

export interface ImportSso {
  kind: 'ssoIntegration';
  /** `[sso-session name]`, or the profile name for legacy sso_start_url profiles. */
  name: string;
  startUrl: string;
  ssoRegion: string;
  profiles: string[];
}

export interface ImportSkip {
  kind: 'skip';
  profile: string;
  reason: string;
}

export type ImportItem = ImportUser | ImportChained | ImportSso | ImportSkip;

/** The secrets of the plan, by profile: kept apart from the items, never rendered. */
export type PlanSecrets = Map<string, { accessKeyId: string; secretAccessKey: string }>;

export interface FileChange {
  file: 'credentials' | 'config';
  path: string;
  before: string;
  after: string;
  /** Each removed key line, with the secret value masked, for the preview. */
  removed: Array<{ line: number; text: string }>;
}

export interface ImportPlan {
  items: ImportItem[];
  secrets: PlanSecrets;
  /** What removing the imported static keys would change (applied only after confirmation). */
  keyRemoval: FileChange[];
}

export interface PlanInput {
  credentialsText?: string;
  configText?: string;
  credentialsPath: string;
  configPath: string;
  state: PersistedState;
}

const mask = (v: string) => (v.length > 8 ? `${v.slice(0, 4)}…${v.slice(-4)}` : '…');

function uniqueAlias(wanted: string, taken: Set<string>): string {
  let alias = wanted.slice(0, 64);
  for (let i = 2; taken.has(alias.toLowerCase()); i++) alias = `${wanted.slice(0, 58)}-${i}`;
  taken.add(alias.toLowerCase());
  return alias;
}

/** The lines removing `keys` from a section deletes, and the header when nothing else stays in it. */
function removalLines(doc: IniDocument, section: IndexedSection, keys: readonly string[]): number[] {
  const s = section.section;
  const lines: number[] = [];
  let removed = 0;
  for (const k of keys) {
    const key = doc.key(s, k);
    if (key) lines.push(...doc.keyLines(key));
    if (key) removed++;
  }
  if (doc.keyCount(s) === removed && !s.hasComments) lines.push(s.line);
  return lines;
}

/** The removed lines as the preview shows them: secret values masked. */
function describeRemoved(doc: IniDocument, lines: readonly number[]): FileChange['removed'] {
  return [...lines]
    .sort((a, b) => a - b)
    .map((n) => {
      const raw = doc.lineText(n);
      const m = /^(\s*)([^=:\s]+)(\s*[=:]\s*)(.*)$/.exec(raw);
      return { line: n + 1, text: m && SECRET_KEYS.includes(m[2].toLowerCase()) ? `${m[1]}${m[2]}${m[3]}${mask(m[4])}` : raw };
    });
}

export function buildImportPlan(input: PlanInput): ImportPlan {
  const credDoc = input.credentialsText !== undefined ? IniDocument.parse(input.credentialsText) : undefined;
  const confDoc = input.configText !== undefined ? IniDocument.parse(input.configText) : undefined;
  const index = indexProfiles(credDoc, confDoc);
  const taken = new Set(input.state.sessions.map((s) => s.alias.toLowerCase()));
  const profileNames = new Map<string, string>();
  for (const p of input.state.profiles) if (!profileNames.has(p.id)) profileNames.set(p.id, p.name);
  const boundProfiles = new Set(input.state.sessions.map((s) => profileNames.get(s.profileId)));
  const items: ImportItem[] = [];
  const secrets: PlanSecrets = new Map();
  const lines: Record<'credentials' | 'config', number[]> = { credentials: [], config: [] };
  const ssoByName = new Map<string, ImportSso>();
  const users = new Map<string, ImportUser>();
  const chained: ImportChained[] = [];
  const integrationUrls = new Set((input.state.integrations ?? []).map((i) => i.startUrl.replace(/\/+$/, '')));
  const regionOf = (v: Readonly<Record<string, string>>) => (v.region && isKnownRegion(v.region) ? v.region : DEFAULT_REGION);

  for (const p of index.profiles.values()) {
    const v = mergedValues(p);
    if (boundProfiles.has(p.name)) {
      items.push({ kind: 'skip', profile: p.name, reason: t('a session of AWS Sessions already uses this profile') });
    } else if (v.credential_process) {
      items.push({ kind: 'skip', profile: p.name, reason: t('credential_process: left alone') });
    } else if (v.sso_session || v.sso_start_url) {
      const name = v.sso_session ?? p.name;
      const sso = v.sso_session ? index.ssoSessions.get(v.sso_session)?.values : v;
      if (!sso?.sso_start_url || !sso.sso_region) {
        items.push({ kind: 'skip', profile: p.name, reason: t('IAM Identity Center profile without sso_start_url / sso_region{0}', v.sso_session ? t(' in [sso-session {0}]', v.sso_session) : '') });
        continue;
      }
      if (integrationUrls.has(sso.sso_start_url.replace(/\/+$/, ''))) {
        items.push({ kind: 'skip', profile: p.name, reason: t('an IAM Identity Center integration for {0} already exists (sync it for this role)', sso.sso_start_url) });
        continue;
      }
      const entry = ssoByName.get(name) ?? { kind: 'ssoIntegration', name, startUrl: sso.sso_start_url, ssoRegion: sso.sso_region, profiles: [] };
      entry.profiles.push(p.name);
      ssoByName.set(name, entry);
    } else if (v.role_arn) {
      if (!v.source_profile) items.push({ kind: 'skip', profile: p.name, reason: v.credential_source ? t('credential_source {0}: only on AWS compute', v.credential_source) : t('role_arn without source_profile') });
      else if (rules.roleArn(v.role_arn)) items.push({ kind: 'skip', profile: p.name, reason: t('role_arn is not a role ARN: {0}', rules.roleArn(v.role_arn)) });
      else {
        chained.push({
          kind: 'iamRoleChained',
          profile: p.name,
          alias: '',
          region: regionOf(v),
          roleArn: v.role_arn,
          roleSessionName: v.role_session_name || undefined,
          sourceProfile: v.source_profile,
          mfaSerial: v.mfa_serial || undefined,
          externalId: v.external_id || undefined,
          durationSeconds: v.duration_seconds || undefined,
          sourceIdentity: v.source_identity || undefined,
        });
      }
    } else if (v.aws_access_key_id) {
      const keyFile = p.credentials?.values.aws_access_key_id ? 'credentials' : 'config';
      if (v.aws_session_token || v.aws_security_token || v.aws_access_key_id.startsWith('ASIA')) {
        items.push({ kind: 'skip', profile: p.name, reason: t('temporary keys written by another tool') });
      } else if (rules.accessKeyId(v.aws_access_key_id) || !v.aws_secret_access_key || rules.secretAccessKey(v.aws_secret_access_key)) {
        items.push({ kind: 'skip', profile: p.name, reason: t('the keys do not look like an access key id and its 40-character secret') });
      } else {
        const user: ImportUser = { kind: 'iamUser', profile: p.name, alias: uniqueAlias(p.name, taken), region: regionOf(v), mfaSerial: v.mfa_serial && !rules.mfaSerial(v.mfa_serial) ? v.mfa_serial : undefined, keyLabel: mask(v.aws_access_key_id), keyFile };
        users.set(p.name, user);
        secrets.set(p.name, { accessKeyId: v.aws_access_key_id, secretAccessKey: v.aws_secret_access_key });
        for (const file of ['credentials', 'config'] as const) {
          const section = file === 'credentials' ? p.credentials : p.config;
          const doc = file === 'credentials' ? credDoc : confDoc;
          if (!section || !doc || !section.values.aws_access_key_id) continue;
          lines[file].push(...removalLines(doc, section, ['aws_access_key_id', 'aws_secret_access_key']));
        }
      }
    } else {
      items.push({ kind: 'skip', profile: p.name, reason: t('no credentials in this profile') });
    }
  }

  // Chained profiles whose source chain ends at an imported (or already existing) session, in dependency order.
  const existing = new Set([...boundProfiles].filter((n): n is string => !!n));
  const ready = new Set([...users.keys(), ...existing]);
  const ordered: ImportChained[] = [];
  let pending = chained;
  while (pending.length) {
    const next = pending.filter((c) => !ready.has(c.sourceProfile));
    const now = pending.filter((c) => ready.has(c.sourceProfile));
    if (now.length === 0) break;
    for (const c of now) {
      c.alias = uniqueAlias(c.profile, taken);
      ordered.push(c);
      ready.add(c.profile);
    }
    pending = next;
  }
  for (const c of pending) items.push({ kind: 'skip', profile: c.profile, reason: t('source_profile "{0}" has no importable credentials (or the chain loops)', c.sourceProfile) });
  // mfa_serial of a role profile protects AssumeRole: AWS Sessions asks for it once, at the IAM User session.
  const orderedByProfile = new Map<string, ImportChained>();
  for (const c of ordered) if (!orderedByProfile.has(c.profile)) orderedByProfile.set(c.profile, c);
  for (const c of ordered) {
    let root: string | undefined = c.sourceProfile;
    for (let i = 0; root && !users.has(root) && i < 10; i++) root = orderedByProfile.get(root)?.sourceProfile;
    const user = root ? users.get(root) : undefined;
    if (c.mfaSerial && user && !user.mfaSerial) user.mfaSerial = c.mfaSerial;
  }

  const keyRemoval: FileChange[] = [];
  for (const file of ['credentials', 'config'] as const) {
    const doc = file === 'credentials' ? credDoc : confDoc;
    if (!doc || lines[file].length === 0) continue;
    // One deleteLines per file, so runs of adjacent sections merge instead of overlapping.
    const after = applyEdits(doc.text, doc.deleteLines(lines[file]));
    keyRemoval.push({ file, path: file === 'credentials' ? input.credentialsPath : input.configPath, before: doc.text, after, removed: describeRemoved(doc, lines[file]) });
  }
  return { items: [...users.values(), ...ordered, ...ssoByName.values(), ...items], secrets, keyRemoval };
}

export function importable(plan: ImportPlan): number {
  return plan.items.filter((i) => i.kind !== 'skip').length;
}

export type { IndexedProfile };
