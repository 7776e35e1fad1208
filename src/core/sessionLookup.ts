/** Small, pure lookups over the persisted state shared by the session modules and the UI. */
import { DEFAULT_PROFILE_NAME } from './constants';
import { UserFacingError } from './errors';
import type { NamedProfile, PersistedState, Session } from './model';
import { t } from './l10n';

/** The session with this id, or a user-facing error (it may have been deleted in another window). */
export function requireSession(state: PersistedState, id: string): Session {
  const session = state.sessions.find((s) => s.id === id);
  if (!session) throw new UserFacingError(t('No session with id {0}.', id), t('It may have been deleted in another window.'));
  return session;
}

/** The named profile a session delivers to; `default` when its profile no longer exists. */
export function profileOf(state: PersistedState, session: Session): NamedProfile {
  return state.profiles.find((p) => p.id === session.profileId) ?? state.profiles.find((p) => p.name === DEFAULT_PROFILE_NAME)!;
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
