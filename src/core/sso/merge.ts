/**
 * Pure state edits of a sync: add the sessions of a batch of accounts (keeping the user's region and
 * profile choices of known ones), then, once the whole organisation was read, remove the vanished.
 */
import { DEFAULT_PROFILE_NAME } from '../constants';
import type { AwsSsoSession, PersistedState, Session, SsoIntegration } from '../model';
import type { SyncedAccount } from './sync';

export const roleKey = (accountId: string, roleName: string) => `${accountId}/${roleName}`;

export function isSsoSessionOf(session: Session, integrationId: string): session is AwsSsoSession {
  return session.kind === 'awsSso' && session.integrationId === integrationId;
}

/** Adds new account/role sessions and refreshes account names; returns how many were added. */
export function mergeBatch(state: PersistedState, integration: SsoIntegration, accounts: readonly SyncedAccount[], newId: () => string): number {
  const known = new Map<string, AwsSsoSession>();
  const aliases = new Set<string>();
  for (const s of state.sessions) {
    aliases.add(s.alias.toLowerCase());
    if (isSsoSessionOf(s, integration.id)) known.set(roleKey(s.accountId, s.roleName), s);
  }
  const profileId = (state.profiles.find((p) => p.name === DEFAULT_PROFILE_NAME) ?? state.profiles[0]).id;
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
      const session: AwsSsoSession = {
        id: newId(),
        kind: 'awsSso',
        alias,
        profileId,
        region: integration.ssoRegion,
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
