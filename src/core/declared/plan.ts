/**
 * What applying a folder's declared sessions would do, against the state as it is: what to add, what to
 * update (only what the same folder's file created: `declaredBy`), what stays, and what is left alone
 * because one of the user's own sessions or integrations is in the way. Pure: nothing is written here.
 */
import type { DeclaredMark, PersistedState, Session, SessionKind, SsoIntegration } from '../model';
import { sessionType } from '../sessions/registry';
import type { FormValues } from '../validation';
import { DECLARED_KINDS, type DeclaredFile, type DeclaredIntegration, type DeclaredSession } from './file';
import { t } from '../l10n';

export interface PlanChange {
  /** The key of the file, e.g. `roleArn`. */
  key: string;
  /** Values as shown; an ExternalId is shown as "set", never its value. */
  from: string;
  to: string;
}

export type PlanItem =
  | { action: 'add'; what: 'integration'; alias: string; entry: DeclaredIntegration }
  | { action: 'update'; what: 'integration'; alias: string; entry: DeclaredIntegration; id: string; changes: PlanChange[] }
  | { action: 'add'; what: 'session'; alias: string; kind: SessionKind; entry: DeclaredSession; notes: string[] }
  | { action: 'update'; what: 'session'; alias: string; kind: SessionKind; entry: DeclaredSession; id: string; changes: PlanChange[]; notes: string[] }
  /** Declared by this folder before, no longer in its file: kept, no longer marked (so the user owns it). */
  | { action: 'release'; what: 'session' | 'integration'; alias: string; id: string };

export interface DeclaredPlan {
  folder: string;
  /** What applying does, in the order it is done. */
  items: PlanItem[];
  /** Declared and already as declared. */
  unchanged: string[];
  /** Declared but left alone, with the reason in words. */
  skipped: Array<{ alias: string; reason: string }>;
}

export interface PlanOptions {
  /** The awsSessions.defaultRegion setting: the region of IAM Identity Center roles without one (as a sync). */
  defaultRegion?: string;
}

const isMark = (mark: DeclaredMark | undefined, folder: string, name?: string) => !!mark && mark.folder === folder && (name === undefined || mark.name.toLowerCase() === name.toLowerCase());
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The region an IAM Identity Center role of the file gets: its own, else the integration's for roles, the setting, the SSO region. */
export function ssoRegionOf(entry: DeclaredSession & { type: 'sso' }, file: DeclaredFile, options: PlanOptions): string {
  const integration = file.integrations.find((i) => same(i.alias, entry.integration));
  return entry.region || integration?.sessionRegion || options.defaultRegion || integration?.region || '';
}

/** A declared session as the values of its form (`assumerId`: the assumer's session id, for a chained role). */
export function formValuesOf(entry: DeclaredSession, region: string, assumerId = ''): FormValues {
  const base = { alias: entry.alias, profile: entry.profile, region };
  const opt = (value: string | number | undefined) => (value === undefined ? '' : String(value));
  switch (entry.type) {
    case 'sso':
      return { profile: entry.profile, region };
    case 'saml':
      return { ...base, roleArn: entry.roleArn, idpUrl: entry.idpUrl, samlProviderArn: entry.providerArn, durationSeconds: opt(entry.durationSeconds) };
    case 'chained':
      return {
        ...base,
        roleArn: entry.roleArn,
        assumerSessionId: assumerId,
        externalId: opt(entry.externalId),
        durationSeconds: opt(entry.durationSeconds),
        roleSessionName: opt(entry.roleSessionName),
        sourceIdentity: opt(entry.sourceIdentity),
      };
  }
}

const FILE_KEYS: Readonly<Record<string, string>> = { samlProviderArn: 'providerArn', assumerSessionId: 'assumer', ssoRegion: 'region' };
const shown = (key: string, value: string) => (key === 'externalId' && value ? t('(set)') : value || t('(none)'));

function changesBetween(before: FormValues, after: FormValues, describe: (key: string, value: string) => string = (_k, v) => v): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const key of Object.keys(after)) {
    const [from, to] = [before[key] ?? '', after[key] ?? ''];
    if (from === to) continue;
    const fileKey = FILE_KEYS[key] ?? key;
    changes.push({ key: fileKey, from: shown(key, describe(key, from)), to: key === 'externalId' && from && to ? t('(another value)') : shown(key, describe(key, to)) });
  }
  return changes;
}

/** The plan of `file` (declared by `folder`) against `state`. */
export function planDeclared(state: PersistedState, file: DeclaredFile, folder: string, options: PlanOptions = {}): DeclaredPlan {
  const plan: DeclaredPlan = { folder, items: [], unchanged: [], skipped: [] };
  const integrations = state.integrations ?? [];
  const profileName = (id: string) => state.profiles.find((p) => p.id === id)?.name ?? '';

  // Integrations: ours (marked) are compared; one of the user's with the same portal is used as it is.
  const integrationFor = new Map<string, SsoIntegration | 'new'>();
  for (const entry of file.integrations) {
    const ours = integrations.find((i) => isMark(i.declaredBy, folder, entry.alias));
    const samePortal = integrations.find((i) => i.startUrl === entry.startUrl && i.ssoRegion === entry.region);
    if (ours) {
      integrationFor.set(entry.alias.toLowerCase(), ours);
      const before = { alias: ours.alias, startUrl: ours.startUrl, ssoRegion: ours.ssoRegion, sessionRegion: ours.sessionRegion ?? '' };
      const changes = changesBetween(before, { alias: entry.alias, startUrl: entry.startUrl, ssoRegion: entry.region, sessionRegion: entry.sessionRegion ?? '' });
      if (changes.length) plan.items.push({ action: 'update', what: 'integration', alias: entry.alias, entry, id: ours.id, changes });
      else plan.unchanged.push(entry.alias);
    } else if (samePortal) {
      integrationFor.set(entry.alias.toLowerCase(), samePortal);
      plan.skipped.push({ alias: entry.alias, reason: t('your integration "{0}" has this access portal already; its roles are added to it', samePortal.alias) });
    } else if (integrations.some((i) => same(i.alias, entry.alias))) {
      plan.skipped.push({ alias: entry.alias, reason: t('an integration of yours is named "{0}" already (another access portal); rename one of them', entry.alias) });
    } else {
      integrationFor.set(entry.alias.toLowerCase(), 'new');
      plan.items.push({ action: 'add', what: 'integration', alias: entry.alias, entry });
    }
  }

  // Sessions: IAM Identity Center roles and SAML first, chained roles after their assumers.
  const declaredNames = new Set(file.sessions.map((s) => s.alias.toLowerCase()));
  const blocked = new Set<string>();
  const aliasOf = (id: string) => state.sessions.find((s) => s.id === id)?.alias ?? '';
  for (const entry of orderByAssumer(file.sessions)) {
    const kind = DECLARED_KINDS[entry.type];
    const ours = state.sessions.find((s) => isMark(s.declaredBy, folder, entry.alias));
    const skip = (reason: string) => {
      blocked.add(entry.alias.toLowerCase());
      plan.skipped.push({ alias: entry.alias, reason });
    };
    const taken = state.sessions.find((s) => s !== ours && same(s.alias, entry.alias));
    if (taken) {
      skip(t('a session of yours is named "{0}" already; it is left as it is', taken.alias));
      continue;
    }
    if (ours && ours.kind !== kind) {
      skip(t('the file now declares another type of session; delete "{0}" and apply again', ours.alias));
      continue;
    }
    let assumerId = '';
    if (entry.type === 'chained') {
      const assumer = entry.assumer.toLowerCase();
      if (blocked.has(assumer)) {
        skip(t('its assumer "{0}" is not added (see above)', entry.assumer));
        continue;
      }
      if (!declaredNames.has(assumer)) {
        const own = state.sessions.filter((s) => same(s.alias, entry.assumer));
        if (own.length !== 1) {
          skip(t('its assumer "{0}" is neither declared in the file nor one of your sessions; add a session with that alias first', entry.assumer));
          continue;
        }
        assumerId = own[0].id;
      } else {
        assumerId = state.sessions.find((s) => isMark(s.declaredBy, folder, entry.assumer))?.id ?? '';
      }
    }
    let region = entry.region ?? '';
    if (entry.type === 'sso') {
      region = ssoRegionOf(entry, file, options);
      const integration = integrationFor.get(entry.integration.toLowerCase());
      if (!integration) {
        skip(t('its integration "{0}" is not added (see above)', entry.integration));
        continue;
      }
      const synced = integration !== 'new' && state.sessions.find((s) => s !== ours && s.kind === 'awsSso' && s.integrationId === integration.id && s.accountId === entry.accountId && s.roleName === entry.roleName);
      if (synced) {
        skip(t('role {0} of account {1} is there already as your session "{2}"; it is left as it is', entry.roleName, entry.accountId, synced.alias));
        continue;
      }
      if (ours?.kind === 'awsSso' && (ours.accountId !== entry.accountId || ours.roleName !== entry.roleName || integration === 'new' || ours.integrationId !== integration.id)) {
        skip(t('the file now names another account, role or integration for "{0}"; delete it and apply again', ours.alias));
        continue;
      }
    }
    // What the preview must point out: the session would act through something of the user's.
    const notes: string[] = [];
    const sharing = state.sessions.filter((s) => s !== ours && !isMark(s.declaredBy, folder) && profileName(s.profileId) === entry.profile).map((s) => `"${s.alias}"`);
    if (sharing.length) notes.push(t('It delivers to the profile "{0}", which your sessions {1} use too: starting it stops them and replaces the credentials of that profile.', entry.profile, sharing.join(', ')));
    if (entry.type === 'chained' && !declaredNames.has(entry.assumer.toLowerCase())) notes.push(t('It assumes its role with the credentials of your session "{0}".', aliasOf(assumerId)));
    if (!ours) {
      plan.items.push({ action: 'add', what: 'session', alias: entry.alias, kind, entry, notes });
      continue;
    }
    // A chained role whose declared assumer is new in this plan has no assumer id yet: shown by name, resolved when applied.
    const after = formValuesOf(entry, region, assumerId);
    const before = { ...sessionType(kind).toForm(ours), profile: profileName(ours.profileId) };
    const changes = changesBetween(before, after, (key, value) => (key === 'assumerSessionId' ? aliasOf(value) || (entry.type === 'chained' ? entry.assumer : value) : value));
    if (changes.length) plan.items.push({ action: 'update', what: 'session', alias: entry.alias, kind, entry, id: ours.id, changes, notes });
    else plan.unchanged.push(entry.alias);
  }

  for (const s of state.sessions) if (isMark(s.declaredBy, folder) && !declaredNames.has(s.declaredBy!.name.toLowerCase())) plan.items.push({ action: 'release', what: 'session', alias: s.alias, id: s.id });
  const integrationNames = new Set(file.integrations.map((i) => i.alias.toLowerCase()));
  for (const i of integrations) if (isMark(i.declaredBy, folder) && !integrationNames.has(i.declaredBy!.name.toLowerCase())) plan.items.push({ action: 'release', what: 'integration', alias: i.alias, id: i.id });
  return plan;
}

/** Sessions with every declared assumer before the chained roles on it (the file has no cycles: parse refused them). */
export function orderByAssumer(sessions: readonly DeclaredSession[]): DeclaredSession[] {
  const byName = new Map(sessions.map((s) => [s.alias.toLowerCase(), s]));
  const ordered: DeclaredSession[] = [];
  const placed = new Set<DeclaredSession>();
  const place = (s: DeclaredSession, depth: number) => {
    if (placed.has(s) || depth > sessions.length) return;
    const assumer = s.type === 'chained' ? byName.get(s.assumer.toLowerCase()) : undefined;
    if (assumer) place(assumer, depth + 1);
    placed.add(s);
    ordered.push(s);
  };
  for (const s of sessions) if (s.type !== 'chained') place(s, 0);
  for (const s of sessions) place(s, 0);
  return ordered;
}

/** Whether the plan would change anything. */
export const planIsEmpty = (plan: DeclaredPlan) => plan.items.length === 0;

/** A short text that changes exactly when what the plan would do changes (to offer each change once). */
export function planFingerprint(plan: DeclaredPlan): string {
  return JSON.stringify([plan.folder, plan.items.map((i) => [i.action, i.what, i.alias, 'changes' in i ? i.changes : []])]);
}

/** What the editor does with a folder's file: refuse (untrusted), report its problems, nothing, or offer the plan. */
export type OfferDecision = 'untrusted' | 'problems' | 'nothing' | 'offeredAlready' | 'offer';

/**
 * Never anything in an untrusted workspace; a file with problems is reported (once per content unless asked);
 * a plan that changes nothing is not offered; an automatic check offers each change once, the command always.
 */
export function offerDecision(input: { trusted: boolean; problems: boolean; plan?: DeclaredPlan; lastOffered?: string; asked: boolean }): OfferDecision {
  if (!input.trusted) return 'untrusted';
  if (input.problems || !input.plan) return 'problems';
  if (planIsEmpty(input.plan)) return 'nothing';
  if (!input.asked && input.lastOffered === planFingerprint(input.plan)) return 'offeredAlready';
  return 'offer';
}
