/**
 * Pure state edits of a sync: add the sessions of a batch of accounts, each on a profile of its own
 * named from the template (keeping the user's region and profile choices of known ones), then, once
 * the whole organisation was read, remove the vanished.
 */
import type { AwsSsoSession, PersistedState, Session, SsoIntegration } from '../model';
import { DEFAULT_PROFILE_TEMPLATE, ProfileNamer, profileIdFor, renderProfileName, takenProfileNames } from './profileNames';
import type { SyncedAccount } from './sync';

export interface MergeOptions {
  /** Profile name template (`{accountName}-{roleName}` by default). */
  template?: string;
  /** Profile names in the user's AWS files: never taken by a synced role. */
  namesInFiles?: readonly string[];
  /** Region of new role sessions (the default region; the SSO region when unset). */
  region?: string;
}

export const roleKey = (accountId: string, roleName: string) => `${accountId}/${roleName}`;

export function isSsoSessionOf(session: Session, integrationId: string): session is AwsSsoSession {
  return session.kind === 'awsSso' && session.integrationId === integrationId;
}

/** Adds new account/role sessions and refreshes account names; returns how many were added. */
export function mergeBatch(state: PersistedState, integration: SsoIntegration, accounts: readonly SyncedAccount[], newId: () => string, options: MergeOptions = {}): number {
  const known = new Map<string, AwsSsoSession>();
  const aliases = new Set<string>();
  for (const s of state.sessions) {
    aliases.add(s.alias.toLowerCase());
    if (isSsoSessionOf(s, integration.id)) known.set(roleKey(s.accountId, s.roleName), s);
  }
  const template = options.template ?? DEFAULT_PROFILE_TEMPLATE;
  const region = integration.sessionRegion ?? options.region ?? integration.ssoRegion;
  let namer: ProfileNamer | undefined; // made on the first new role: a re-sync that adds nothing pays nothing
  let added = 0;
  for (const account of accounts) {
    for (const roleName of account.roles) {
      const existing = known.get(roleKey(account.accountId, roleName));
      if (existing) {
        existing.accountName = account.accountName;
        continue;
      }
      let alias = `${account.accountName}/${roleName}`;
      if (aliases.has(alias.toLowerCase())) alias = `${account.accountName} (${account.accountId})/${roleName}`;
      for (let n = 2; aliases.has(alias.toLowerCase()); n++) alias = `${account.accountName} (${account.accountId})/${roleName} ${n}`;
      aliases.add(alias.toLowerCase());
      namer ??= new ProfileNamer(takenProfileNames(state, options.namesInFiles ?? []));
      const values = { accountName: account.accountName, accountId: account.accountId, roleName, integration: integration.alias, region };
      const profileName = namer.claim(renderProfileName(template, values), account.accountId);
      const session: AwsSsoSession = {
        id: newId(),
        kind: 'awsSso',
        alias,
        profileId: profileIdFor(state, profileName, newId),
        region,
        integrationId: integration.id,
        accountId: account.accountId,
        accountName: account.accountName,
        roleName,
      };
      state.sessions.push(session);
      known.set(roleKey(account.accountId, roleName), session);
      added += 1;
    }
  }
  return added;
}

/** Sessions of the integration whose account/role the finished sync did not see. */
export function vanished(state: PersistedState, integrationId: string, seen: ReadonlySet<string>): AwsSsoSession[] {
  return state.sessions.filter((s): s is AwsSsoSession => isSsoSessionOf(s, integrationId) && !seen.has(roleKey(s.accountId, s.roleName)));
}
