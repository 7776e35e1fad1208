/**
 * Per-entry check of a parsed sessions.json. Entries that cannot be used (null, an unknown kind, a
 * missing or mistyped field, a second entry with the same id) are taken out with the reason in words,
 * so one bad entry never takes the rest of the state, or the editor, down with it. Hand-written and
 * small — one table of fields per session kind — so a schema library can replace it.
 */
import { DEFAULT_PROFILE_NAME } from './constants';
import { isDeliveryMode, type NamedProfile, type PersistedState, type Session, type SessionKind, type SessionStatus, type SsoIntegration } from './model';

export interface RejectedEntry {
  /** Where it was in the file: `sessions[2]`, `profiles[0]`, `active["<id>"]`, `pinned[1]`, `terminalProfile`. */
  where: string;
  /** Why it cannot be used, in words. */
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

type StringFields<T> = { required: ReadonlyArray<keyof T & string>; optional: ReadonlyArray<keyof T & string> };
type KindFields = { [K in SessionKind]: StringFields<Extract<Session, { kind: K }>> };

/** Text fields every session has (deliveryMode is checked on its own). */
const BASE_FIELDS: StringFields<Session> = { required: ['id', 'alias', 'profileId', 'region'], optional: [] };
/** Text fields of each kind, beyond the base. */
const KIND_FIELDS: KindFields = {
  iamUser: { required: [], optional: ['mfaSerial'] },
  iamRoleChained: { required: ['roleArn', 'assumerSessionId'], optional: ['roleSessionName'] },
  iamRoleFederated: { required: ['roleArn', 'idpUrl', 'samlProviderArn'], optional: [] },
  awsSso: { required: ['integrationId', 'accountId', 'accountName', 'roleName'], optional: [] },
};
const STATUSES: readonly SessionStatus[] = ['inactive', 'starting', 'active', 'expired', 'error'];

type Entry = Record<string, unknown>;

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shapeProblem(value: unknown): string | undefined {
  if (value === null) return 'it is null';
  if (!isEntry(value)) return `it is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not an object`;
  return undefined;
}

/** "missing alias, region" / "roleArn is not text", or undefined. */
function textFieldsProblem(entry: Entry, required: readonly string[], optional: readonly string[]): string | undefined {
  const missing = required.filter((f) => entry[f] === undefined || entry[f] === null || entry[f] === '');
  if (missing.length) return `missing ${missing.join(', ')}`;
  const wrong = [...required, ...optional].filter((f) => entry[f] !== undefined && typeof entry[f] !== 'string');
  if (wrong.length) return `${wrong.join(', ')} ${wrong.length > 1 ? 'are' : 'is'} not text`;
  return undefined;
}

function sessionProblem(value: unknown): string | undefined {
  const shape = shapeProblem(value);
  if (shape) return shape;
  const entry = value as Entry;
  if (typeof entry.kind !== 'string' || !(entry.kind in KIND_FIELDS)) return entry.kind === undefined ? 'missing kind' : `kind ${JSON.stringify(entry.kind)} is not a session type`;
  const fields = KIND_FIELDS[entry.kind as SessionKind];
  const problem = textFieldsProblem(entry, [...BASE_FIELDS.required, ...fields.required], [...BASE_FIELDS.optional, ...fields.optional]);
  if (problem) return problem;
  if (entry.deliveryMode !== undefined && !isDeliveryMode(entry.deliveryMode)) return `deliveryMode ${JSON.stringify(entry.deliveryMode)} is not a delivery mode`;
  return undefined;
}

function activeProblem(value: unknown): string | undefined {
  const shape = shapeProblem(value);
  if (shape) return shape;
  const entry = value as Entry;
  if (!STATUSES.includes(entry.status as SessionStatus)) return entry.status === undefined ? 'missing status' : `status ${JSON.stringify(entry.status)} is not a session status`;
  const problem = textFieldsProblem(entry, ['sessionId'], ['expiration', 'error', 'startedAt', 'issuedAt', 'refreshClaimUntil']);
  if (problem) return problem;
  if (entry.delivery !== undefined && !isEntry(entry.delivery)) return 'delivery is not an object';
  return undefined;
}

/** The name of an entry for people: `sessions[2] "alice"`. */
export function describeEntry(entry: RejectedEntry): string {
  const alias = isEntry(entry.value) && typeof entry.value.alias === 'string' ? ` ${JSON.stringify(entry.value.alias)}` : '';
  return `${entry.where}${alias} (${entry.reason})`;
}

/**
 * The usable part of a state object whose top level is already known to be sound (version 1; profiles
 * and sessions lists; active an object). A missing `default` profile is added with `newId()`.
 */
export function checkState(s: PersistedState, newId: () => string): CheckedState {
  const rejected: RejectedEntry[] = [];
  const keep = <T>(list: readonly unknown[], name: string, problem: (value: unknown) => string | undefined, idOf?: (value: T) => string): T[] => {
    const seen = new Set<string>();
    const kept: T[] = [];
    list.forEach((value, i) => {
      let reason = problem(value);
      const id = !reason && idOf ? idOf(value as T) : undefined;
      if (id !== undefined && seen.has(id)) reason = `another entry before it has the id ${JSON.stringify(id)}`;
      if (reason) rejected.push({ where: `${name}[${i}]`, reason, value });
      else {
        if (id !== undefined) seen.add(id);
        kept.push(value as T);
      }
    });
    return kept;
  };

  const state: PersistedState = { ...s };
  state.profiles = keep(s.profiles, 'profiles', (v) => shapeProblem(v) ?? textFieldsProblem(v as Entry, ['id', 'name'], []), (p: NamedProfile) => p.id);
  const addDefault = !state.profiles.some((p) => p.name === DEFAULT_PROFILE_NAME);
  if (addDefault) state.profiles.unshift({ id: newId(), name: DEFAULT_PROFILE_NAME });
  state.sessions = keep(s.sessions, 'sessions', sessionProblem, (x: Session) => x.id);
  state.active = {};
  for (const [id, value] of Object.entries(s.active)) {
    const reason = activeProblem(value);
    if (reason) rejected.push({ where: `active[${JSON.stringify(id)}]`, reason, value });
    else state.active[id] = value;
  }
  if (s.integrations !== undefined) {
    if (Array.isArray(s.integrations)) state.integrations = keep(s.integrations, 'integrations', (v) => shapeProblem(v) ?? textFieldsProblem(v as Entry, ['id', 'alias', 'startUrl', 'ssoRegion'], []), (x: SsoIntegration) => x.id);
    else {
      rejected.push({ where: 'integrations', reason: 'it is not a list', value: s.integrations });
      delete state.integrations;
    }
  }
  if (s.pinned !== undefined) {
    if (Array.isArray(s.pinned)) state.pinned = keep(s.pinned, 'pinned', (v) => (typeof v === 'string' ? undefined : 'it is not a session id'));
    else {
      rejected.push({ where: 'pinned', reason: 'it is not a list', value: s.pinned });
      delete state.pinned;
    }
  }
  if (s.lastUsed !== undefined) {
    if (isEntry(s.lastUsed)) {
      state.lastUsed = {};
      for (const [id, at] of Object.entries(s.lastUsed)) {
        if (typeof at === 'string') state.lastUsed[id] = at;
        else rejected.push({ where: `lastUsed[${JSON.stringify(id)}]`, reason: 'it is not a time', value: at });
      }
    } else {
      rejected.push({ where: 'lastUsed', reason: 'it is not an object', value: s.lastUsed });
      delete state.lastUsed;
    }
  }
  if (s.terminalProfile !== undefined && typeof s.terminalProfile !== 'string') {
    rejected.push({ where: 'terminalProfile', reason: 'it is not a profile name', value: s.terminalProfile });
    delete state.terminalProfile;
  }
  return { state, rejected, changed: addDefault || rejected.length > 0 };
}
