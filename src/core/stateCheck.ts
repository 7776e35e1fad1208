/**
 * Per-entry check of a parsed sessions.json. Entries that cannot be used (null, an unknown kind, a
 * missing or mistyped field — the per-kind schema of `stateSchema.ts` — or a second entry with the same
 * id) are taken out with the reason, so one bad entry never takes the rest of the state, or the editor,
 * down with it.
 */
import { DEFAULT_PROFILE_NAME } from './constants';
import type { ActiveSession, NamedProfile, PersistedState, Session, SsoIntegration } from './model';
import { quickActive, quickIntegration, quickProfile, quickSession } from './stateQuickCheck';
import { checkActive, checkIntegration, checkProfile, checkSession, type EntryCheck } from './stateSchema';
import { t } from './l10n';

export interface RejectedEntry {
  /** Where it was in the file: `sessions[2]`, `profiles[0]`, `active["<id>"]`, `pinned[1]`, `terminalProfile`. */
  where: string;
  /** Why it cannot be used, in words, starting with `where`: `sessions[2].region: Invalid key: …`. */
  reason: string;
  /** The entry as it was (the state file holds no secret). */
  value: unknown;
}

export interface CheckedState {
  state: PersistedState;
  rejected: RejectedEntry[];
  /** The state differs from the file (entries taken out, or the default profile added): write it back. */
  changed: boolean;
}

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** For people: the reason, and the session's alias when it has one. */
export function describeEntry(entry: RejectedEntry): string {
  return isEntry(entry.value) && typeof entry.value.alias === 'string' ? `${entry.reason} (alias ${JSON.stringify(entry.value.alias)})` : entry.reason;
}

/**
 * The usable part of a state object whose top level is already known to be sound (version 1; profiles
 * and sessions lists; active an object). A missing `default` profile is added with `newId()`.
 */
export function checkState(s: PersistedState, newId: () => string): CheckedState {
  const rejected: RejectedEntry[] = [];
  /** The entries of `list` that pass (a well-formed one by the quick check, with no words made for it) and are the first with their id. */
  const keep = <T extends { id: string }>(list: readonly unknown[], name: string, quick: (value: unknown) => boolean, check: (value: unknown, where: string) => EntryCheck<T>): T[] => {
    const seen = new Set<string>();
    const kept: T[] = [];
    list.forEach((value, i) => {
      let id: string;
      if (quick(value)) id = (value as T).id;
      else {
        const result = check(value, `${name}[${i}]`);
        if (!result.ok) return void rejected.push({ where: `${name}[${i}]`, reason: result.reason, value });
        id = result.value.id;
      }
      if (seen.has(id)) rejected.push({ where: `${name}[${i}]`, reason: t('{0}: another entry before it has the id {1}', `${name}[${i}]`, JSON.stringify(id)), value });
      else {
        seen.add(id);
        kept.push(value as T);
      }
    });
    return kept;
  };

  const state: PersistedState = { ...s };
  state.profiles = keep<NamedProfile>(s.profiles, 'profiles', quickProfile, checkProfile);
  const addDefault = !state.profiles.some((p) => p.name === DEFAULT_PROFILE_NAME);
  if (addDefault) state.profiles.unshift({ id: newId(), name: DEFAULT_PROFILE_NAME });
  state.sessions = keep<Session>(s.sessions, 'sessions', quickSession, checkSession);
  state.active = {};
  for (const [id, value] of Object.entries(s.active)) {
    if (quickActive(value)) {
      state.active[id] = value as ActiveSession;
      continue;
    }
    const where = `active[${JSON.stringify(id)}]`;
    const result = checkActive(value, where);
    if (result.ok) state.active[id] = value as ActiveSession;
    else rejected.push({ where, reason: result.reason, value });
  }
  if (s.integrations !== undefined) {
    if (Array.isArray(s.integrations)) state.integrations = keep<SsoIntegration>(s.integrations, 'integrations', quickIntegration, checkIntegration);
    else {
      rejected.push({ where: 'integrations', reason: t('integrations: not a list'), value: s.integrations });
      delete state.integrations;
    }
  }
  if (s.pinned !== undefined) {
    if (Array.isArray(s.pinned)) {
      state.pinned = [];
      s.pinned.forEach((id: unknown, i) => {
        if (typeof id === 'string') state.pinned!.push(id);
        else rejected.push({ where: `pinned[${i}]`, reason: t('pinned[{0}]: not a session id', i), value: id });
      });
    } else {
      rejected.push({ where: 'pinned', reason: t('pinned: not a list'), value: s.pinned });
      delete state.pinned;
    }
  }
  if (s.lastUsed !== undefined) {
    if (isEntry(s.lastUsed)) {
      state.lastUsed = {};
      for (const [id, at] of Object.entries(s.lastUsed)) {
        if (typeof at === 'string') state.lastUsed[id] = at;
        else rejected.push({ where: `lastUsed[${JSON.stringify(id)}]`, reason: `lastUsed[${JSON.stringify(id)}]: not a time`, value: at });
      }
    } else {
      rejected.push({ where: 'lastUsed', reason: t('lastUsed: not an object'), value: s.lastUsed });
      delete state.lastUsed;
    }
  }
  if (s.terminalProfile !== undefined && typeof s.terminalProfile !== 'string') {
    rejected.push({ where: 'terminalProfile', reason: t('terminalProfile: not a profile name'), value: s.terminalProfile });
    delete state.terminalProfile;
  }
  return { state, rejected, changed: addDefault || rejected.length > 0 };
}
