/**
 * Small, pure lookups over the persisted state shared by the session modules, the commands, the CLI's
 * handlers and the UI: one function for each question, so every caller answers it the same way.
 */
import { DEFAULT_PROFILE_NAME } from './constants';
import { UserFacingError } from './errors';
import type { ActiveSession, NamedProfile, PersistedState, Session, SsoIntegration } from './model';
import { t } from './l10n';

/** Each frozen snapshot's sessions by id, built on its first lookup (snapshots are shared and never change). */
const indexes = new WeakMap<readonly Session[], ReadonlyMap<string, Session>>();

/**
 * The session with this id, or undefined. On a state snapshot (frozen: the store's) a lookup in an index built
 * once per snapshot, so asking for every session's assumer, or each active one, is linear, not quadratic; on
 * a state being changed (an update's draft) a search, as it may have changed since the last lookup.
 */
export function sessionById(state: Pick<PersistedState, 'sessions'>, id: string): Session | undefined {
  const sessions = state.sessions;
  const known = indexes.get(sessions);
  if (known) return known.get(id);
  if (!Object.isFrozen(sessions)) return sessions.find((s) => s.id === id);
  const index = new Map<string, Session>();
  for (const s of sessions) if (!index.has(s.id)) index.set(s.id, s); // the first, as `find` gives it
  indexes.set(sessions, index);
  return index.get(id);
}

/** The session with this id, or a user-facing error (it may have been deleted in another window). */
export function requireSession(state: PersistedState, id: string): Session {
  const session = sessionById(state, id);
  if (!session) throw new UserFacingError(t('No session with id {0}.', id), t('It may have been deleted in another window.'));
  return session;
}

/** What a name names, for the message of {@link AmbiguousNameError}. */
export type NamedKind = 'session' | 'integration';

/** A name that more than one session (or integration) answers to: the caller must use the id. */
export class AmbiguousNameError extends UserFacingError {
  constructor(
    readonly ref: string,
    readonly matches: ReadonlyArray<{ id: string; alias: string }>,
    what: NamedKind,
  ) {
    const list = matches.map((m) => t('"{0}" (id {1})', m.alias, m.id)).join(', ');
    super(
      what === 'session'
        ? t('{0} sessions are named "{1}" (in some letter case): {2}.', matches.length, ref, list)
        : t('{0} IAM Identity Center integrations are named "{1}" (in some letter case): {2}.', matches.length, ref, list),
      t('Name the one you mean by its id.'),
    );
    this.name = 'AmbiguousNameError';
  }
}

/**
 * The item with the id `ref`, else the one whose alias is `ref` in any letter case; undefined when none.
 * Throws AmbiguousNameError (listing the matches) when several aliases match: older state files and
 * concurrent edits in two windows can hold aliases that differ only in case.
 */
export function byIdOrAlias<T extends { id: string; alias: string }>(items: readonly T[], ref: string, what: NamedKind): T | undefined {
  const byId = items.find((i) => i.id === ref);
  if (byId) return byId;
  const key = ref.toLowerCase();
  const named = items.filter((i) => i.alias.toLowerCase() === key);
  if (named.length > 1) throw new AmbiguousNameError(ref, named, what);
  return named[0];
}

/** The session a user named by id or alias (a command argument, the CLI); see {@link byIdOrAlias}. */
export function sessionByRef(state: PersistedState, ref: string): Session | undefined {
  return byIdOrAlias(state.sessions, ref, 'session');
}

/** The IAM Identity Center integration a user named by id or alias; see {@link byIdOrAlias}. */
export function integrationByRef(state: PersistedState, ref: string): SsoIntegration | undefined {
  return byIdOrAlias(state.integrations ?? [], ref, 'integration');
}

/** The named profile a session delivers to; `default` when its profile no longer exists. */
export function profileOf(state: PersistedState, session: Session): NamedProfile {
  return state.profiles.find((p) => p.id === session.profileId) ?? state.profiles.find((p) => p.name === DEFAULT_PROFILE_NAME)!;
}

/** The session whose credentials a profile holds now; with `includeFailed`, also one whose start or refresh failed. */
export function activeSessionOfProfile(
  state: PersistedState,
  profileName: string | undefined,
  includeFailed = false,
): { session: Session; active: ActiveSession; profile: string } | undefined {
  if (!profileName) return undefined;
  for (const session of state.sessions) {
    const active = state.active[session.id];
    if (active && (includeFailed || active.status !== 'error') && profileOf(state, session).name === profileName) return { session, active, profile: profileName };
  }
  return undefined;
}

/** The profile named `name`, added to `state` (a draft inside `StateStore.update`) when missing. */
export function findOrAddProfile(state: PersistedState, name: string, newId: () => string): NamedProfile {
  let profile = state.profiles.find((p) => p.name === name);
  if (!profile) {
    profile = { id: newId(), name };
    state.profiles.push(profile);
  }
  return profile;
}
