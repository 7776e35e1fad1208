/**
 * The schema of `sessions.json`, per entry and per session kind (valibot: 5 KB minified in the bundle,
 * against 18 KB for zod/mini; both validate 10,000 sessions in about half a `structuredClone` of them).
 *
 * Objects are loose: a key this version does not know (written by a newer minor version of the same
 * file format) is kept, not stripped, so a round trip through an older window loses nothing. Fields
 * added later are optional here, so older files keep loading; a change older code cannot read bumps
 * {@link STATE_VERSION} and adds a step to {@link MIGRATIONS}.
 */
import * as v from 'valibot';
import { DELIVERY_MODES } from './model';
import type { ActiveSession, NamedProfile, Session, SsoIntegration } from './model';
import { quickActive, quickIntegration, quickProfile, quickSession } from './stateQuickCheck';
import { t } from './l10n';

/** The format version this code writes. Files with a higher version are refused, never rewritten. */
export const STATE_VERSION = 1;

/**
 * Upgrade steps: `MIGRATIONS[n]` turns a version-n document into a version-(n+1) one. Empty while the
 * format has had one version; kept as the one place a future change goes.
 */
export type Migration = (document: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

/**
 * Bring a document of an older version up to `current`, one step at a time. Returns the reason in words
 * when it cannot: a version that is not a whole number, one newer than this code, or a missing step.
 */
export function migrateDocument(
  document: Record<string, unknown>,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  current: number = STATE_VERSION,
): { ok: true; document: Record<string, unknown> } | { ok: false; reason: string } {
  const version = document.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) return { ok: false, reason: t('unsupported version {0}', JSON.stringify(version)) };
  if (version > current) return { ok: false, reason: t('unsupported version {0} (a newer AWS Sessions may have written it; this one reads up to {1})', version, current) };
  let upgraded = document;
  for (let from = version; from < current; from++) {
    const step = migrations[from];
    if (!step) return { ok: false, reason: t('no upgrade from version {0} to {1}', from, from + 1) };
    upgraded = { ...step(upgraded), version: from + 1 };
  }
  return { ok: true, document: upgraded };
}

const text = v.string();
const optionalText = v.optional(v.string());
const isoTime = v.optional(v.string());

/** Absent in states written before declared sessions existed. */
const declaredBy = v.optional(v.looseObject({ folder: v.pipe(v.string(), v.minLength(1)), name: v.string() }));

const sessionBase = {
  id: v.pipe(v.string(), v.minLength(1)),
  alias: text,
  profileId: v.pipe(v.string(), v.minLength(1)),
  region: text,
  deliveryMode: v.optional(v.picklist(DELIVERY_MODES)),
  declaredBy,
};

const iamUser = v.looseObject({ ...sessionBase, kind: v.literal('iamUser'), mfaSerial: optionalText, mfaOathAccount: optionalText });
const iamRoleChained = v.looseObject({
  ...sessionBase,
  kind: v.literal('iamRoleChained'),
  roleArn: text,
  roleSessionName: optionalText,
  assumerSessionId: text,
  externalId: optionalText,
  durationSeconds: v.optional(v.number()),
  sourceIdentity: optionalText,
});
const iamRoleFederated = v.looseObject({
  ...sessionBase,
  kind: v.literal('iamRoleFederated'),
  roleArn: text,
  idpUrl: text,
  samlProviderArn: text,
  durationSeconds: v.optional(v.number()),
});
const awsSso = v.looseObject({
  ...sessionBase,
  kind: v.literal('awsSso'),
  integrationId: text,
  accountId: text,
  accountName: text,
  roleName: text,
});

export const sessionSchema = v.variant('kind', [iamUser, iamRoleChained, iamRoleFederated, awsSso]);

export const profileSchema = v.looseObject({ id: v.pipe(v.string(), v.minLength(1)), name: v.pipe(v.string(), v.minLength(1)) });

export const integrationSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1)),
  alias: text,
  startUrl: text,
  ssoRegion: text,
  sessionRegion: v.optional(text),
  lastSyncAt: isoTime,
  accountCount: v.optional(v.number()),
  declaredBy,
});

export const activeSchema = v.looseObject({
  sessionId: v.pipe(v.string(), v.minLength(1)),
  status: v.picklist(['inactive', 'starting', 'active', 'expired', 'error']),
  expiration: isoTime,
  error: optionalText,
  delivery: v.optional(v.record(v.string(), v.unknown())),
  startedAt: isoTime,
  issuedAt: isoTime,
  refreshClaimUntil: isoTime,
});

/** The document's frame: the lists and maps whose entries are then checked one by one. */
export const frameSchema = v.looseObject({
  version: v.number(),
  profiles: v.array(v.unknown()),
  sessions: v.array(v.unknown()),
  active: v.record(v.string(), v.unknown()),
  terminalProfile: optionalText,
  pinned: v.optional(v.array(v.string())),
  lastUsed: v.optional(v.record(v.string(), v.string())),
  integrations: v.optional(v.array(v.unknown())),
});

/** The first problem of a failed check, in words: `sessions[3].roleArn: expected string`. */
export function describeIssue(where: string, issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return where;
  const key = v.getDotPath(issue);
  return `${where}${key ? `.${key}` : ''}: ${issue.message}`;
}

export type EntryCheck<T> = { ok: true; value: T } | { ok: false; reason: string };

function check<T>(schema: v.GenericSchema<unknown, unknown>, value: unknown, where: string): EntryCheck<T> {
  const result = v.safeParse(schema, value);
  return result.success ? { ok: true, value: result.output as T } : { ok: false, reason: describeIssue(where, result.issues) };
}

/** A well-formed entry passes the hand-written check (`stateQuickCheck.ts`) as it is; anything else goes through the schema, which says why. */
const checkWith =
  <T>(quick: (value: unknown) => boolean, schema: v.GenericSchema<unknown, unknown>) =>
  (value: unknown, where: string): EntryCheck<T> =>
    quick(value) ? { ok: true, value: value as T } : check<T>(schema, value, where);

export const checkSession = checkWith<Session>(quickSession, sessionSchema);
export const checkProfile = checkWith<NamedProfile>(quickProfile, profileSchema);
export const checkIntegration = checkWith<SsoIntegration>(quickIntegration, integrationSchema);
export const checkActive = checkWith<ActiveSession>(quickActive, activeSchema);
