/**
 * Named profiles: create, rename, delete. `default` always exists and is never renamed or deleted;
 * names are unique valid ini section names. Renaming moves active sessions' credentials to the new
 * section; deleting stops the profile's active sessions and moves its sessions to `default`.
 */
import { DEFAULT_PROFILE_NAME } from './constants';
import { UserFacingError, ValidationError } from './errors';
import type { NamedProfile, PersistedState } from './model';
import type { Logger, StateStore } from './ports';
import type { SessionLifecycle } from './sessionLifecycle';
import { rules } from './validation';
import { newId } from './ids';
import { t } from './l10n';

export interface ProfileDeps {
  state: StateStore;
  /** Active sessions of a renamed profile restart; those of a deleted one stop. */
  lifecycle: Pick<SessionLifecycle, 'start' | 'stop'>;
  logger: Logger;
  newId?: () => string;
}

function checkName(state: PersistedState, name: string, exceptId?: string): void {
  const problem =
    rules.profileName(name) ??
    (state.profiles.some((p) => p.id !== exceptId && p.name === name) ? t('a profile named "{0}" already exists; names are unique', name) : undefined);
  if (problem) throw new ValidationError([{ field: 'profile', label: t('Profile name'), message: problem }]);
}

function find(state: PersistedState, id: string): NamedProfile {
  const profile = state.profiles.find((p) => p.id === id || p.name === id);
  if (!profile) throw new UserFacingError(t('No profile "{0}".', id), t('It may have been deleted in another window.'));
  return profile;
}

function refuseDefault(profile: NamedProfile, what: string): void {
  if (profile.name === DEFAULT_PROFILE_NAME) throw new UserFacingError(t('The "default" profile cannot be {0}.', what), t('It always exists: the AWS CLI and SDKs use it when no profile is named.'));
}

export class ProfileService {
  private readonly newId: () => string;
  constructor(private readonly deps: ProfileDeps) {
    this.newId = deps.newId ?? newId;
  }

  async create(name: string): Promise<NamedProfile> {
    const trimmed = name.trim();
    let created: NamedProfile | undefined;
    await this.deps.state.update((s) => {
      checkName(s, trimmed);
      created = { id: this.newId(), name: trimmed };
      s.profiles.push(created);
    });
    this.deps.logger.info(`Profile "${trimmed}" created.`);
    return created!;
  }

  /** Rename; active sessions of the profile restart so their credentials move to the new section. */
  async rename(idOrName: string, newName: string): Promise<NamedProfile> {
    const trimmed = newName.trim();
    const before = await this.deps.state.read();
    const profile = find(before, idOrName);
    refuseDefault(profile, 'renamed');
    if (profile.name === trimmed) return profile;
    checkName(before, trimmed, profile.id);
    const active = before.sessions.filter((s) => s.profileId === profile.id && before.active[s.id]);
    for (const s of active) await this.deps.lifecycle.stop(s.id);
    await this.deps.state.update((s) => {
      checkName(s, trimmed, profile.id);
      const p = s.profiles.find((x) => x.id === profile.id);
      if (p) p.name = trimmed;
      if (s.terminalProfile === profile.name) s.terminalProfile = trimmed;
    });
    this.deps.logger.info(`Profile "${profile.name}" renamed to "${trimmed}".`);
    for (const s of active) await this.deps.lifecycle.start(s.id);
    return { id: profile.id, name: trimmed };
  }

  /** Delete; its active sessions are stopped and every session of it moves to `default`. */
  async delete(idOrName: string): Promise<void> {
    const before = await this.deps.state.read();
    const profile = find(before, idOrName);
    refuseDefault(profile, 'deleted');
    for (const s of before.sessions) if (s.profileId === profile.id && before.active[s.id]) await this.deps.lifecycle.stop(s.id);
    await this.deps.state.update((s) => {
      const fallback = s.profiles.find((p) => p.name === DEFAULT_PROFILE_NAME)!;
      for (const session of s.sessions) if (session.profileId === profile.id) session.profileId = fallback.id;
      s.profiles = s.profiles.filter((p) => p.id !== profile.id);
      if (s.terminalProfile === profile.name) s.terminalProfile = undefined;
    });
    this.deps.logger.info(`Profile "${profile.name}" deleted; its sessions moved to "default".`);
  }
}
